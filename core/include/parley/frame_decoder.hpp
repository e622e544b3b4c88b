#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include <parley/error.hpp>
#include <parley/frame.hpp>

namespace parley {

/// Incremental frame decoder for one byte stream. Feed it whatever a read returned; it copies
/// header bytes into a 14-byte scratch area and body bytes straight into the frame it will hand
/// out, allocated only once the header has been checked. A body larger than
/// kInitialBodyAllocation is not reserved from the header alone: its frame grows as the bytes
/// arrive, so a header announcing a huge body costs what the peer actually sent. It holds no
/// other buffer, so an idle connection costs almost nothing.
///
/// Not thread safe: one decoder per connection, used from that connection's loop.
class FrameDecoder {
  public:
    /// `max_body_size`: largest body accepted; a longer `length` fails with frame_too_large
    /// before anything is allocated.
    explicit FrameDecoder(std::uint32_t max_body_size) noexcept : max_body_size_(max_body_size) {}

    /// Bodies up to this size are allocated whole once the header is checked; larger ones start
    /// here and double as their bytes arrive.
    static constexpr std::uint32_t kInitialBodyAllocation = 64 * 1024;

    /// Changes the largest body accepted from the next header on (a session raises it at login).
    void set_max_body_size(std::uint32_t max_body_size) noexcept { max_body_size_ = max_body_size; }
    std::uint32_t max_body_size() const noexcept { return max_body_size_; }

    /// Consumes bytes from `input` up to the end of at most one frame and returns how many it
    /// took. Afterwards check failed(), then frame_ready(). Call again with the rest of the input.
    std::size_t consume(std::span<const std::uint8_t> input);

    bool frame_ready() const noexcept { return ready_; }
    /// Hands out the completed frame and starts on the next one.
    Frame take_frame() noexcept;

    /// Once failed, the stream is unusable: the byte boundaries are lost.
    bool failed() const noexcept { return failure_ != nullptr; }
    const Error& failure() const { return *failure_; }

    /// Bytes allocated for the frame being received: what a partial frame costs.
    std::size_t held_bytes() const noexcept { return frame_.bytes().size(); }

    /// True when no frame is partly received.
    bool idle() const noexcept { return header_filled_ == 0 && !ready_; }

  private:
    void fail(ErrorCode code, const std::string& message);
    /// The body size the checked header announces.
    std::uint32_t announced_body() const noexcept;
    /// Moves the body received so far into a frame with room for more (or for all of it).
    void grow_body();

    // One of these lives in every connection, so it is packed: 56 bytes.
    Frame frame_;
    std::unique_ptr<Error> failure_;  // allocated only for a corrupt stream
    std::uint32_t max_body_size_;
    std::uint32_t body_filled_ = 0;
    std::uint8_t header_[kFrameHeaderSize] = {};
    std::uint8_t header_filled_ = 0;
    bool ready_ = false;
};

}  // namespace parley

#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace parley::net::ws {

/// Reads the frames a WebSocket client sends, in whatever pieces they arrive, without a buffer
/// of its own for data: the payloads of binary messages are unmasked and moved to the front of
/// the bytes given (they never move forward), so the session decodes Parley frames from the
/// same memory. A fragmented message is reassembled by simply continuing the stream; its size
/// is bounded by `max_message`. Control frames are answered: a ping's pong and the reply to a
/// close are appended to `replies`, for the stream to write.
///
/// What makes it stop: a close from the client (answered), or a violation, which appends a
/// close frame with its code (1002, 1003 text, 1009 over-size) to `replies`. Nothing is read
/// after either.
class FrameReader {
  public:
    enum class Status : std::uint8_t { open, closed_by_peer, failed };

    explicit FrameReader(std::uint64_t max_message) : max_message_(max_message) {}

    /// Decodes `bytes` in place; returns how many data bytes now start `bytes`.
    std::size_t decode(std::span<std::uint8_t> bytes, std::string& replies);

    Status status() const noexcept { return status_; }
    /// Why reading stopped, for logs: "text messages are not Parley frames".
    const char* failure() const noexcept { return failure_; }

  private:
    /// Parses header_ once it holds a whole header; false while it is incomplete.
    bool header_complete(std::string& replies);
    void fail(std::uint16_t code, const char* why, std::string& replies);
    void control_done(std::string& replies);

    std::uint64_t max_message_;
    std::uint64_t payload_left_ = 0;        ///< of the frame being read
    std::uint64_t message_bytes_ = 0;       ///< of the binary message being read
    std::unique_ptr<std::string> control_;  ///< a control frame's payload, while it arrives
    std::array<std::uint8_t, 14> header_{};
    std::array<std::uint8_t, 4> mask_{};
    std::uint8_t header_have_ = 0;
    std::uint8_t mask_at_ = 0;  ///< payload bytes unmasked so far, mod 4
    std::uint8_t opcode_ = 0;   ///< of the frame being read
    bool in_payload_ = false;
    bool in_message_ = false;  ///< a binary message began and has not had its final frame
    Status status_ = Status::open;
    const char* failure_ = "";
};

}  // namespace parley::net::ws

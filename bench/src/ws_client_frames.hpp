#pragma once
// The client's side of RFC 6455 framing: masked messages out, the server's unmasked frames in.
// Only what the generator needs: no extensions, no fragmentation of its own messages.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "byte_buffer.hpp"

namespace parley::bench::ws {

constexpr std::uint8_t kBinary = 0x2;
constexpr std::uint8_t kPong = 0xA;

/// Appends one whole message (FIN set) of `opcode`, masked with `mask`.
void append_client_frame(ByteBuffer& out, std::uint8_t opcode, std::string_view payload,
                         std::uint32_t mask);

/// Turns the server's frames into the stream of their data payloads (binary and text messages
/// alike, fragments joined). Pings are answered through `replies`; a close frame ends it.
/// Not thread safe.
class ServerFrameDecoder {
  public:
    enum class Status { open, closed, failed };

    /// Consumes whole headers and control frames, and data payload bytes, from `in`; copies at
    /// most `room` payload bytes to `out` and returns how many. Pongs for pings are appended
    /// to `replies` (masked with `mask`).
    std::size_t decode(ByteBuffer& in, char* out, std::size_t room, ByteBuffer& replies,
                       std::uint32_t mask);

    Status status() const noexcept { return status_; }
    const std::string& failure() const noexcept { return failure_; }

  private:
    enum class Header { incomplete, data, control };
    /// A data frame's header is consumed; a control frame is left whole at the front of `in`
    /// (only reported once all of it is there). `incomplete` also after a failure.
    Header take_header(ByteBuffer& in);
    Header fail(std::string why);

    std::uint64_t payload_left_ = 0;  ///< of the data frame being read
    Status status_ = Status::open;
    std::string failure_;
};

}  // namespace parley::bench::ws

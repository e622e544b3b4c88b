#pragma once
// RFC 6455 framing as a server speaks it: headers for the frames it sends (never masked), and
// the close codes it uses, including the one each Parley GOODBYE maps to.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace parley::net::ws {

enum Opcode : std::uint8_t {
    continuation = 0x0,
    text = 0x1,
    binary = 0x2,
    close = 0x8,
    ping = 0x9,
    pong = 0xA,
};

enum CloseCode : std::uint16_t {
    normal = 1000,
    going_away = 1001,
    protocol_error = 1002,
    unsupported_data = 1003,  ///< a text message: Parley frames are binary
    policy_violation = 1008,
    message_too_big = 1009,
    internal_error = 1011,
};

/// Largest header a server frame needs: 2 bytes, 8 of extended length.
inline constexpr std::size_t kMaxServerHeader = 10;

/// Writes the header of a final, unmasked frame of `opcode` carrying `payload_size` bytes into
/// `out` (at least kMaxServerHeader bytes); returns its length.
std::size_t write_header(std::uint8_t* out, Opcode opcode, std::uint64_t payload_size) noexcept;

/// A whole control frame (pong, close); its payload is cut to 125 bytes.
std::string control_frame(Opcode opcode, std::string_view payload);
/// A close frame with `code` and `reason` (cut so the payload fits 125 bytes).
std::string close_frame(std::uint16_t code, std::string_view reason);

/// The close code a connection ended by a GOODBYE with Parley error `code` gets
/// (docs/protocol.md, "Transports").
std::uint16_t close_code_for_goodbye(std::uint32_t code) noexcept;

/// The Parley error code in a GOODBYE frame's body (field 1), 0 when it has none. `body` is the
/// protobuf message; only the first varint field is looked at.
std::uint32_t goodbye_code(std::span<const std::uint8_t> body) noexcept;

}  // namespace parley::net::ws

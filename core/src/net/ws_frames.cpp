#include "net/ws_frames.hpp"

#include <algorithm>

#include <parley/error.hpp>

namespace parley::net::ws {

std::size_t write_header(std::uint8_t* out, Opcode opcode, std::uint64_t payload_size) noexcept {
    out[0] = static_cast<std::uint8_t>(0x80 | opcode);  // FIN
    if (payload_size < 126) {
        out[1] = static_cast<std::uint8_t>(payload_size);
        return 2;
    }
    if (payload_size <= 0xFFFF) {
        out[1] = 126;
        out[2] = static_cast<std::uint8_t>(payload_size >> 8);
        out[3] = static_cast<std::uint8_t>(payload_size);
        return 4;
    }
    out[1] = 127;
    for (int i = 0; i < 8; ++i) {
        out[2 + i] = static_cast<std::uint8_t>(payload_size >> (56 - 8 * i));
    }
    return 10;
}

std::string control_frame(Opcode opcode, std::string_view payload) {
    payload = payload.substr(0, 125);
    std::string frame(2, '\0');
    frame[0] = static_cast<char>(0x80 | opcode);
    frame[1] = static_cast<char>(payload.size());
    frame.append(payload);
    return frame;
}

std::string close_frame(std::uint16_t code, std::string_view reason) {
    std::string payload{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
    payload.append(reason.substr(0, 123));
    return control_frame(close, payload);
}

std::uint16_t close_code_for_goodbye(std::uint32_t code) noexcept {
    switch (static_cast<ErrorCode>(code)) {
        case ErrorCode::server_shutdown:
            return going_away;
        case ErrorCode::bad_frame:
        case ErrorCode::unknown_type:
        case ErrorCode::bad_body:
            return protocol_error;
        case ErrorCode::frame_too_large:
            return message_too_big;
        case ErrorCode::handshake_timeout:
        case ErrorCode::idle_timeout:
        case ErrorCode::slow_consumer:
        case ErrorCode::rate_limited:
            return policy_violation;
        case ErrorCode::internal:
            return internal_error;
        default:
            return normal;  // replaced by a newer login, refused login, ...
    }
}

std::uint32_t goodbye_code(std::span<const std::uint8_t> body) noexcept {
    // Field 1, varint: tag byte 0x08.
    if (body.empty() || body[0] != 0x08) {
        return 0;
    }
    std::uint32_t value = 0;
    for (std::size_t i = 1; i < body.size() && i < 6; ++i) {
        value |= static_cast<std::uint32_t>(body[i] & 0x7F) << (7 * (i - 1));
        if ((body[i] & 0x80) == 0) {
            return value;
        }
    }
    return 0;
}

}  // namespace parley::net::ws

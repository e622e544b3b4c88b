#include "net/ws_frame_reader.hpp"

#include <algorithm>

#include "net/ws_frames.hpp"

namespace parley::net::ws {
namespace {

// Bytes of header a frame needs, from what its first two bytes say.
std::size_t header_size(std::uint8_t second) noexcept {
    const std::uint8_t length = second & 0x7F;
    return 2 + (length == 126 ? 2 : length == 127 ? 8 : 0) + ((second & 0x80) != 0 ? 4 : 0);
}

bool is_control(std::uint8_t opcode) noexcept {
    return (opcode & 0x8) != 0;
}

}  // namespace

void FrameReader::fail(std::uint16_t code, const char* why, std::string& replies) {
    status_ = Status::failed;
    failure_ = why;
    replies += close_frame(code, why);
}

bool FrameReader::header_complete(std::string& replies) {
    if (header_have_ < 2 || header_have_ < header_size(header_[1])) {
        return false;
    }
    const std::uint8_t first = header_[0];
    const std::uint8_t second = header_[1];
    header_have_ = 0;
    const bool fin = (first & 0x80) != 0;
    opcode_ = first & 0x0F;
    std::uint64_t length = second & 0x7F;
    std::size_t at = 2;
    if (length == 126) {
        length = (std::uint64_t{header_[2]} << 8) | header_[3];
        at = 4;
    } else if (length == 127) {
        length = 0;
        for (int i = 0; i < 8; ++i) {
            length = (length << 8) | header_[2 + i];
        }
        at = 10;
    }
    if ((first & 0x70) != 0) {
        fail(protocol_error, "reserved bits set (no extension was agreed)", replies);
        return false;
    }
    if ((second & 0x80) == 0) {
        fail(protocol_error, "client frames must be masked", replies);
        return false;
    }
    std::copy_n(header_.begin() + static_cast<std::ptrdiff_t>(at), 4, mask_.begin());
    mask_at_ = 0;
    payload_left_ = length;
    if (is_control(opcode_)) {
        if (!fin || length > 125) {
            fail(protocol_error, "control frames must be whole and at most 125 bytes", replies);
            return false;
        }
        if (opcode_ != close && opcode_ != ping && opcode_ != pong) {
            fail(protocol_error, "unknown control opcode", replies);
            return false;
        }
        control_ = std::make_unique<std::string>();
    } else if (opcode_ == text) {
        fail(unsupported_data, "text messages are not Parley frames; send binary", replies);
        return false;
    } else if (opcode_ != binary && opcode_ != continuation) {
        fail(protocol_error, "unknown data opcode", replies);
        return false;
    } else if ((opcode_ == binary) == in_message_) {
        fail(protocol_error,
             in_message_ ? "a new message began before the last one ended"
                         : "a continuation frame without a message",
             replies);
        return false;
    }
    if (!is_control(opcode_)) {
        if (opcode_ == binary) {
            message_bytes_ = 0;
        }
        message_bytes_ += length;
        if (message_bytes_ > max_message_) {
            fail(message_too_big, "message larger than the server's max_frame_size", replies);
            return false;
        }
        in_message_ = !fin;
    }
    in_payload_ = true;
    if (payload_left_ == 0 && is_control(opcode_)) {
        control_done(replies);
    } else if (payload_left_ == 0) {
        in_payload_ = false;
    }
    return true;
}

void FrameReader::control_done(std::string& replies) {
    in_payload_ = false;
    const std::string payload = std::move(*control_);
    control_.reset();
    if (opcode_ == ping) {
        replies += control_frame(pong, payload);
    } else if (opcode_ == close) {
        // Echo the peer's code, as RFC 6455 suggests; none given, none echoed.
        replies +=
            control_frame(close, payload.substr(0, std::min<std::size_t>(payload.size(), 2)));
        status_ = Status::closed_by_peer;
        failure_ = "the client closed the WebSocket";
    }
    // An unsolicited pong is ignored.
}

std::size_t FrameReader::decode(std::span<std::uint8_t> bytes, std::string& replies) {
    std::size_t out = 0;
    std::size_t at = 0;
    while (at < bytes.size() && status_ == Status::open) {
        if (!in_payload_) {
            const std::size_t want = header_have_ < 2 ? 2 : header_size(header_[1]);
            const std::size_t take = std::min(want - header_have_, bytes.size() - at);
            std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(at), take,
                        header_.begin() + header_have_);
            header_have_ = static_cast<std::uint8_t>(header_have_ + take);
            at += take;
            header_complete(replies);
            continue;
        }
        const std::size_t take =
            static_cast<std::size_t>(std::min<std::uint64_t>(payload_left_, bytes.size() - at));
        if (is_control(opcode_)) {
            for (std::size_t i = 0; i < take; ++i) {
                control_->push_back(static_cast<char>(bytes[at + i] ^ mask_[mask_at_++ & 3]));
            }
        } else {
            for (std::size_t i = 0; i < take; ++i) {
                bytes[out + i] = bytes[at + i] ^ mask_[mask_at_++ & 3];
            }
            out += take;
        }
        at += take;
        payload_left_ -= take;
        if (payload_left_ == 0) {
            if (is_control(opcode_)) {
                control_done(replies);
            } else {
                in_payload_ = false;
            }
        }
    }
    return out;
}

}  // namespace parley::net::ws

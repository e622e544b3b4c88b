#include "ws_client_frames.hpp"

#include <algorithm>
#include <cstring>

namespace parley::bench::ws {
namespace {

constexpr std::uint8_t kContinuation = 0x0;
constexpr std::uint8_t kText = 0x1;
constexpr std::uint8_t kClose = 0x8;
constexpr std::uint8_t kPing = 0x9;

std::uint8_t byte_at(const ByteBuffer& in, std::size_t i) {
    return static_cast<std::uint8_t>(in.data()[i]);
}

}  // namespace

void append_client_frame(ByteBuffer& out, std::uint8_t opcode, std::string_view payload,
                         std::uint32_t mask) {
    char* header = out.prepare(14);
    std::size_t at = 0;
    header[at++] = static_cast<char>(0x80 | opcode);
    if (payload.size() < 126) {
        header[at++] = static_cast<char>(0x80 | payload.size());
    } else if (payload.size() <= 0xFFFF) {
        header[at++] = static_cast<char>(0x80 | 126);
        header[at++] = static_cast<char>(payload.size() >> 8);
        header[at++] = static_cast<char>(payload.size());
    } else {
        header[at++] = static_cast<char>(0x80 | 127);
        for (int shift = 56; shift >= 0; shift -= 8) {
            header[at++] = static_cast<char>(static_cast<std::uint64_t>(payload.size()) >> shift);
        }
    }
    const char key[4] = {static_cast<char>(mask >> 24), static_cast<char>(mask >> 16),
                         static_cast<char>(mask >> 8), static_cast<char>(mask)};
    std::memcpy(header + at, key, 4);
    out.commit(at + 4);
    char* body = out.prepare(payload.size());
    for (std::size_t i = 0; i < payload.size(); ++i) {
        body[i] = static_cast<char>(payload[i] ^ key[i & 3]);
    }
    out.commit(payload.size());
}

ServerFrameDecoder::Header ServerFrameDecoder::fail(std::string why) {
    status_ = Status::failed;
    failure_ = std::move(why);
    return Header::incomplete;
}

ServerFrameDecoder::Header ServerFrameDecoder::take_header(ByteBuffer& in) {
    if (in.size() < 2) {
        return Header::incomplete;
    }
    const std::uint8_t first = byte_at(in, 0);
    const std::uint8_t second = byte_at(in, 1);
    if ((second & 0x80) != 0) {
        return fail("a masked frame from the server");
    }
    if ((first & 0x70) != 0) {
        return fail("reserved bits set (no extension was agreed)");
    }
    const std::uint8_t code = second & 0x7F;
    const std::size_t header = 2 + (code == 126 ? 2 : code == 127 ? 8 : 0);
    if (in.size() < header) {
        return Header::incomplete;
    }
    std::uint64_t length = code;
    if (code >= 126) {
        length = 0;
        for (std::size_t i = 2; i < header; ++i) {
            length = (length << 8) | byte_at(in, i);
        }
    }
    const std::uint8_t opcode = first & 0x0F;
    if (opcode == kContinuation || opcode == kText || opcode == kBinary) {
        in.consume(header);
        payload_left_ = length;
        return Header::data;
    }
    if ((opcode & 0x8) == 0 || length > 125) {
        return fail("unknown opcode or over-size control frame");
    }
    return in.size() >= header + length ? Header::control : Header::incomplete;
}

std::size_t ServerFrameDecoder::decode(ByteBuffer& in, char* out, std::size_t room,
                                       ByteBuffer& replies, std::uint32_t mask) {
    std::size_t produced = 0;
    while (status_ == Status::open) {
        if (payload_left_ > 0) {
            const auto n = static_cast<std::size_t>(
                std::min<std::uint64_t>({payload_left_, in.size(), room - produced}));
            if (n == 0) {
                break;
            }
            std::memcpy(out + produced, in.data(), n);
            in.consume(n);
            produced += n;
            payload_left_ -= n;
            continue;
        }
        const auto header = take_header(in);
        if (header == Header::incomplete) {
            break;
        }
        if (header == Header::data) {
            continue;  // its payload follows (or it was empty)
        }
        const std::uint8_t opcode = byte_at(in, 0) & 0x0F;
        const std::size_t length = byte_at(in, 1) & 0x7F;
        const std::string_view payload(in.data() + 2, length);
        if (opcode == kClose) {
            status_ = Status::closed;
        } else if (opcode == kPing) {
            append_client_frame(replies, kPong, payload, mask);
        }
        in.consume(2 + length);
    }
    return produced;
}

}  // namespace parley::bench::ws

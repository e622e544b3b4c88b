#pragma once
// A stored chat message as the server delivers it: the frame the sender sent, with the body's
// ChatMessage.seq (field 4) and server_msg_id (field 5) appended. Protobuf reads the last
// occurrence of a scalar field, so the server's numbers win over anything a client put there,
// and the sender's bytes are copied once, never re-encoded.

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>

#include <parley.pb.h>

#include <parley/frame.hpp>

namespace parley::plugins::handlers {

namespace detail {

inline std::size_t put_varint(std::uint8_t* out, std::uint64_t value) noexcept {
    std::size_t n = 0;
    while (value >= 0x80) {
        out[n++] = static_cast<std::uint8_t>(value | 0x80);
        value >>= 7;
    }
    out[n++] = static_cast<std::uint8_t>(value);
    return n;
}

}  // namespace detail

inline Frame with_sequence(const Frame& message, std::uint64_t seq, std::uint64_t server_msg_id) {
    constexpr std::uint8_t kSeqTag = (4 << 3) | 0;  // field 4, varint
    constexpr std::uint8_t kServerIdTag = (5 << 3) | 0;
    std::array<std::uint8_t, 22> tail{};  // two tags and two varints of at most 10 bytes
    std::size_t n = 0;
    tail[n++] = kSeqTag;
    n += detail::put_varint(tail.data() + n, seq);
    tail[n++] = kServerIdTag;
    n += detail::put_varint(tail.data() + n, server_msg_id);

    const auto body = message.body();
    Frame out = Frame::allocate(static_cast<std::uint32_t>(body.size() + n));
    auto bytes = out.mutable_bytes();
    // The header as it was (type, sender, receiver), with the new length.
    std::memcpy(bytes.data(), message.bytes().data(), kFrameHeaderSize);
    put_u32(bytes.data() + 1, static_cast<std::uint32_t>(bytes.size() - 1));
    std::memcpy(bytes.data() + kFrameHeaderSize, body.data(), body.size());
    std::memcpy(bytes.data() + kFrameHeaderSize + body.size(), tail.data(), n);
    return out;
}

/// The sequence number of a delivered chat frame, or nothing when it carries none.
inline std::optional<std::uint64_t> sequence_of(const Frame& frame) {
    wire::ChatMessage chat;
    if (!frame.parse_body(chat) || chat.seq() == 0) {
        return std::nullopt;
    }
    return chat.seq();
}

}  // namespace parley::plugins::handlers

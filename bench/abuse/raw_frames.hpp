#pragma once
// Frame headers written by hand for the attacks that break the protocol on purpose: a header
// that announces a body which never comes (docs/protocol.md, section 2).

#include <array>
#include <cstdint>

#include "wire_helpers.hpp"

namespace parley::bench::abuse {

inline constexpr std::uint8_t kHandshakeType = 0x01;
inline constexpr std::uint8_t kPrivateType = 0x04;
inline constexpr std::size_t kHeaderSize = 14;

/// magic, length (13 + body), type, sender 0, receiver.
inline std::array<char, kHeaderSize> frame_header(std::uint8_t type, std::uint64_t body_size,
                                                  std::uint32_t receiver) {
    std::array<char, kHeaderSize> header{};
    header[0] = static_cast<char>(0xAB);
    wire::put_be32(header.data() + 1, static_cast<std::uint32_t>(13 + body_size));
    header[5] = static_cast<char>(type);
    wire::put_be32(header.data() + 10, receiver);
    return header;
}

}  // namespace parley::bench::abuse

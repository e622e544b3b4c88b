#pragma once
// Frames whose body is a number, so tests can check the order and identity of what arrives.

#include <cstdint>

#include <parley/frame.hpp>

namespace parley::test {

inline Frame numbered(FrameType type, UserId sender, UserId receiver, std::uint32_t n) {
    std::uint8_t body[4];
    put_u32(body, n);
    return Frame::make(type, sender, receiver, body);
}

inline std::uint32_t number_of(const Frame& frame) {
    return get_u32(frame.body().data());
}

}  // namespace parley::test

#include "net/refusal.hpp"

#include <array>
#include <cstdint>

#include <parley.pb.h>
#include <sys/socket.h>

#include <parley/frame.hpp>

namespace parley::net {

void refuse_connection(int socket, const Error& reason) noexcept {
    try {
        wire::Goodbye goodbye;
        goodbye.set_code(static_cast<std::uint32_t>(reason.code()));
        goodbye.set_msg(reason.what());
        const Frame frame = Frame::make(FrameType::goodbye, kNoUser, kNoUser, goodbye);
        const auto bytes = frame.bytes();
        [[maybe_unused]] const auto sent =
            ::send(socket, bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    } catch (...) {
        // Out of memory for a 60-byte frame: the connection is closed unanswered.
    }
    ::shutdown(socket, SHUT_WR);
    std::array<std::uint8_t, 4096> sink{};
    for (int reads = 0; reads < 16; ++reads) {
        if (::recv(socket, sink.data(), sink.size(), MSG_DONTWAIT) <= 0) {
            break;
        }
    }
}

}  // namespace parley::net

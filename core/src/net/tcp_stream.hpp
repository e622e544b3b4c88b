#pragma once

#include <memory>
#include <string>

#include "net/byte_stream.hpp"
#include "net/handler_memory.hpp"
#include "net/loop_socket.hpp"

namespace parley::net {

/// A ByteStream over a plain TCP socket: reads and writes go straight to the non-blocking
/// socket, and a wait is Asio's readiness wait on it. The pending wait's operation lives in
/// this object (HandlerMemory), so the wait an idle connection keeps costs no heap block.
class TcpStream final : public ByteStream {
  public:
    /// `socket` must be open and belong to the session's loop; it is made non-blocking here.
    explicit TcpStream(LoopSocket socket);

    std::size_t read_some(std::span<std::uint8_t> into, boost::system::error_code& ec) override;
    std::size_t write_some(const FrameBuffers& buffers, boost::system::error_code& ec) override;
    void wait_readable(std::shared_ptr<StreamWaiter> target) override;
    void wait_writable(std::shared_ptr<StreamWaiter> target) override;
    void shutdown() noexcept override;
    void shutdown_send() noexcept override;
    void close() noexcept override;
    std::string remote_address() const override;

  private:
    // Room for one readiness wait's operation (checked at compile time in the .cpp); a second
    // wait pending at the same time (writability, only while the peer is slow) uses the heap.
    static constexpr std::size_t kWaitRoom = 104;

    /// What a wait calls: the target's callback for `Readable` or not.
    template <bool Readable>
    struct Ready {
        std::shared_ptr<StreamWaiter> target;
        void operator()(const boost::system::error_code& ec) const {
            if constexpr (Readable) {
                target->stream_readable(ec);
            } else {
                target->stream_writable(ec);
            }
        }
    };
    template <bool Readable>
    void wait(std::shared_ptr<StreamWaiter> target);

    LoopSocket socket_;
    HandlerMemory<kWaitRoom> wait_memory_;
};

}  // namespace parley::net

#include "net/tcp_stream.hpp"

#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/detail/reactive_wait_op.hpp>

#include <parley/endpoint.hpp>

namespace parley::net {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {

std::string describe_peer(const LoopSocket& socket) {
    error_code ec;
    const auto endpoint = socket.remote_endpoint(ec);
    if (ec) {
        return "?";
    }
    return Endpoint::from(endpoint).to_string();  // "[::1]:7400" for IPv6
}

}  // namespace

TcpStream::TcpStream(LoopSocket socket) : socket_(std::move(socket)) {
    error_code ec;
    socket_.non_blocking(true, ec);
    socket_.set_option(asio::ip::tcp::no_delay(true), ec);
}

std::size_t TcpStream::read_some(std::span<std::uint8_t> into, error_code& ec) {
    return socket_.read_some(asio::buffer(into.data(), into.size()), ec);
}

std::size_t TcpStream::write_some(const FrameBuffers& buffers, error_code& ec) {
    // One gather write of what fits now: the socket is non-blocking, so no operation is started.
    return socket_.write_some(buffers, ec);
}

template <bool Readable>
void TcpStream::wait(std::shared_ptr<StreamWaiter> target) {
    using Allocator = HandlerAllocator<void, kWaitRoom>;
    using Handler = asio::allocator_binder<Ready<Readable>, Allocator>;
    // Asio's operation for the wait must fit the room, or every idle connection would hold a
    // heap block for it.
    static_assert(sizeof(asio::detail::reactive_wait_op<Handler, LoopSocket::executor_type>) <=
                  kWaitRoom);
    socket_.async_wait(Readable ? LoopSocket::wait_read : LoopSocket::wait_write,
                       Handler(Allocator(wait_memory_), Ready<Readable>{std::move(target)}));
}

void TcpStream::wait_readable(std::shared_ptr<StreamWaiter> target) {
    wait<true>(std::move(target));
}

void TcpStream::wait_writable(std::shared_ptr<StreamWaiter> target) {
    wait<false>(std::move(target));
}

void TcpStream::shutdown() noexcept {
    error_code ec;
    socket_.shutdown(LoopSocket::shutdown_both, ec);
}

void TcpStream::shutdown_send() noexcept {
    error_code ec;
    socket_.shutdown(LoopSocket::shutdown_send, ec);
}

void TcpStream::close() noexcept {
    error_code ec;
    socket_.close(ec);
}

std::string TcpStream::remote_address() const {
    return describe_peer(socket_);
}

}  // namespace parley::net

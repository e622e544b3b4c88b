#include "net/listener.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <parley/endpoint.hpp>

#include "net/refusal.hpp"
#include "net/refusal_log.hpp"

namespace parley::net {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

int open_reserve() noexcept {
    return ::open("/dev/null", O_RDONLY | O_CLOEXEC);
}

bool out_of_descriptors(const boost::system::error_code& ec) noexcept {
    return ec == asio::error::no_descriptors ||
           ec == boost::system::errc::too_many_files_open_in_system;
}

tcp::endpoint resolve(asio::io_context& context, const config::ListenEndpoint& endpoint) {
    tcp::resolver resolver(context);
    boost::system::error_code ec;
    auto results = resolver.resolve(endpoint.host, std::to_string(endpoint.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec || results.empty()) {
        throw std::system_error(ec, endpoint.where.to_string() + ": cannot resolve listen host '" +
                                        endpoint.host + "'");
    }
    return results.begin()->endpoint();
}

}  // namespace

Listener::Listener(asio::io_context& accept_context, const config::ListenEndpoint& endpoint,
                   LoopPool& loops, AcceptHandler on_accept)
    : acceptor_(accept_context), loops_(loops), on_accept_(std::move(on_accept)) {
    const tcp::endpoint address = resolve(accept_context, endpoint);
    boost::system::error_code ec;
    acceptor_.open(address.protocol(), ec);
    if (!ec) {
        acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    }
    if (!ec) {
        acceptor_.bind(address, ec);
    }
    if (!ec) {
        acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        throw std::system_error(ec, "cannot listen on " + endpoint.host + ":" +
                                        std::to_string(endpoint.port) + " (" +
                                        endpoint.where.to_string() + ")");
    }
    reserve_ = open_reserve();
}

Listener::~Listener() {
    if (reserve_ >= 0) {
        ::close(reserve_);
    }
}

void Listener::start() {
    asio::co_spawn(acceptor_.get_executor(), accept_loop(), asio::detached);
}

void Listener::stop() {
    boost::system::error_code ec;
    acceptor_.close(ec);
}

asio::awaitable<void> Listener::accept_loop() {
    asio::steady_timer backoff(acceptor_.get_executor());
    while (acceptor_.is_open()) {
        asio::io_context& loop = loops_.next();
        boost::system::error_code ec;
        LoopSocket socket =
            co_await acceptor_.async_accept(loop, asio::redirect_error(asio::use_awaitable, ec));
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) {
            break;
        }
        if (ec) {
            if (out_of_descriptors(ec)) {
                refuse_waiting();
            } else {
                spdlog::warn("accept failed: {}; retrying in 100ms", ec.message());
            }
            // Wait a little instead of spinning on the error.
            backoff.expires_after(std::chrono::milliseconds(100));
            co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        asio::post(loop, [this, &loop, s = std::move(socket)]() mutable {
            on_accept_(loop, std::move(s));
        });
    }
}

void Listener::refuse_waiting() {
    if (reserve_ >= 0) {
        ::close(reserve_);
        reserve_ = -1;
    }
    int answered = 0;
    // A bounded batch: the backlog may hold many, and the loop must get back to its timer.
    for (; answered < 64; ++answered) {
        const int socket =
            ::accept4(acceptor_.native_handle(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (socket < 0) {
            break;
        }
        refuse_connection(socket, Error(ErrorCode::server_busy,
                                        "the server is out of file descriptors; try again later"));
        ::close(socket);
    }
    reserve_ = open_reserve();
    boost::system::error_code ec;
    const tcp::endpoint here = acceptor_.local_endpoint(ec);
    log_refusal(Refusal::busy,
                "out of file descriptors on {}: {} new connections answered with {} and closed; "
                "accepting again in 100ms",
                Endpoint::from(here).to_string(), answered,
                static_cast<unsigned>(ErrorCode::server_busy));
}

}  // namespace parley::net

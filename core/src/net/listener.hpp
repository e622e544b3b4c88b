#pragma once

#include <functional>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "config/broker_config.hpp"
#include "net/loop_pool.hpp"
#include "net/loop_socket.hpp"

namespace parley::net {

/// Accepts connections on one endpoint and hands each socket, already bound to the next event
/// loop, to `on_accept` on that loop.
class Listener {
  public:
    using AcceptHandler = std::function<void(boost::asio::io_context& loop, LoopSocket socket)>;

    /// Binds at once, so a taken port fails start-up (std::system_error naming the endpoint).
    Listener(boost::asio::io_context& accept_context, const config::ListenEndpoint& endpoint,
             LoopPool& loops, AcceptHandler on_accept);

    boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
    void start();
    /// Closes the acceptor; connections already accepted are unaffected.
    void stop();

  private:
    boost::asio::awaitable<void> accept_loop();

    boost::asio::ip::tcp::acceptor acceptor_;
    LoopPool& loops_;
    AcceptHandler on_accept_;
};

}  // namespace parley::net

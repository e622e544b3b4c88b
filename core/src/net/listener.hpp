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
///
/// Out of descriptors (EMFILE), a listener would leave new clients unanswered in the backlog:
/// it keeps one descriptor in reserve, frees it to accept them, answers each with GOODBYE
/// server_busy and closes, then takes the reserve back and pauses accepting for a moment.
class Listener {
  public:
    using AcceptHandler = std::function<void(boost::asio::io_context& loop, LoopSocket socket)>;

    /// Binds at once, so a taken port fails start-up (std::system_error naming the endpoint).
    Listener(boost::asio::io_context& accept_context, const config::ListenEndpoint& endpoint,
             LoopPool& loops, AcceptHandler on_accept);
    ~Listener();
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
    void start();
    /// Closes the acceptor; connections already accepted are unaffected.
    void stop();

  private:
    boost::asio::awaitable<void> accept_loop();
    /// With the reserve descriptor freed, answers the connections waiting in the backlog.
    void refuse_waiting();

    boost::asio::ip::tcp::acceptor acceptor_;
    LoopPool& loops_;
    AcceptHandler on_accept_;
    int reserve_ = -1;  // a descriptor held for refuse_waiting()
};

}  // namespace parley::net

#pragma once

#include <memory>
#include <optional>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "admin/router.hpp"
#include "config/admin_settings.hpp"

namespace parley::admin {

/// The node's admin HTTP/1.1 listener: accepts on the control loop and serves each connection
/// there (never on a session loop), one request at a time, keep-alive allowed. Bounded: at most
/// max_connections open (one more is answered 503 with 5004 and closed), a request must arrive
/// whole within request_timeout (else the connection closes: slow senders hold nothing for
/// long), and head plus body within max_request_size (431 or 413 with 3002). Bytes that are not
/// HTTP get 400 with 3000. Every request is logged with its status, code and duration.
class AdminListener {
  public:
    /// Binds at once; a taken port throws std::system_error naming the address.
    AdminListener(boost::asio::io_context& control, const config::AdminSettings& settings,
                  const Router& router);
    ~AdminListener();
    AdminListener(const AdminListener&) = delete;
    AdminListener& operator=(const AdminListener&) = delete;

    boost::asio::ip::tcp::endpoint local_endpoint() const;
    void start();
    /// Stops accepting; requests in progress finish.
    void stop();

    struct State;

  private:
    std::shared_ptr<State> state_;  ///< shared with the connections, which may outlive this
};

}  // namespace parley::admin

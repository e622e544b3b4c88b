#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "config/rpc_settings.hpp"
#include "net/listener.hpp"
#include "net/loop_pool.hpp"
#include "rpc/rpc_connection.hpp"
#include "rpc/service_table.hpp"

namespace parley::rpc {

/// The node's RPC listener: accepts callers on `rpc.listen` and serves the services in its
/// table on the event loops (docs/rpc.md). The built-in parley.rpc.v1.Reflection is always
/// hosted.
class RpcServer {
  public:
    /// Binds at once (std::system_error naming the endpoint when the port is taken).
    /// `services` is complete and stays as it is from here on.
    RpcServer(boost::asio::io_context& control, const config::RpcSettings& settings,
              ServiceTable& services, net::LoopPool& loops);
    ~RpcServer();
    RpcServer(const RpcServer&) = delete;
    RpcServer& operator=(const RpcServer&) = delete;

    boost::asio::ip::tcp::endpoint local_endpoint() const { return listener_.local_endpoint(); }
    /// "tcp://host:port" to announce: rpc.advertise, else the bound address.
    std::string advertised() const;
    void start();
    /// Stops accepting and closes every connection; calls in progress are cancelled.
    void stop();
    /// Connections open now, from any thread.
    std::size_t connections() const noexcept { return open_->load(); }

  private:
    void accept(boost::asio::io_context& loop, net::LoopSocket socket);
    /// Tells a caller over max_connections so (call_id 0, SERVER_BUSY) before it is closed.
    static void refuse(net::LoopSocket& socket);

    const config::RpcSettings& settings_;
    ConnectionRules rules_;
    ServiceTable& services_;
    /// Shared with each connection's close callback, which may run after the server is gone
    /// (a connection dies with its loop).
    std::shared_ptr<std::atomic<std::size_t>> open_ = std::make_shared<std::atomic<std::size_t>>(0);
    std::mutex mutex_;
    std::vector<std::weak_ptr<RpcConnection>> live_;  ///< pruned as connections come
    net::Listener listener_;
};

}  // namespace parley::rpc

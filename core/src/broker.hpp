#pragma once

#include <atomic>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>

#include <parley/host/plugin_loader.hpp>
#include <parley/host/registrations.hpp>
#include <parley/subscription.hpp>

#include "admin/admin_listener.hpp"
#include "admin/node_routes.hpp"
#include "admin/router.hpp"
#include "admin/service_routes.hpp"
#include "backend_loop.hpp"
#include "cluster/broker_node.hpp"
#include "cluster/inbound_delivery.hpp"
#include "cluster/late_node.hpp"
#include "cluster/local_directory.hpp"
#include "cluster/route_adoption.hpp"
#include "cluster/router.hpp"
#include "config/broker_config.hpp"
#include "dispatch/dispatcher.hpp"
#include "net/connection_gate.hpp"
#include "net/listener.hpp"
#include "net/login_throttle.hpp"
#include "net/loop_pool.hpp"
#include "net/session_environment.hpp"
#include "net/session_tracker.hpp"
#include "net/stream_factory.hpp"
#include "rpc/rpc_server.hpp"
#include "rpc/service_table.hpp"

namespace parley {

/// One parleyd node: loads the configured plugins, listens, serves sessions on the event loops,
/// and shuts down gracefully (stop accepting, withdraw from the registry, tell clients, drain).
///
/// The main thread runs a control loop (signals, accepting, registry, start-up and shutdown);
/// sessions run on the LoopPool's threads.
class Broker final : private net::SessionEvents, private admin::NodeStatus {
  public:
    using ReadyCallback = std::function<void(const std::vector<boost::asio::ip::tcp::endpoint>&)>;

    /// Loads and sets up every plugin. Throws host::PluginError or ConfigError; nothing is
    /// bound or served yet, so this alone checks a configuration.
    explicit Broker(config::BrokerConfig config);
    ~Broker() override;
    Broker(const Broker&) = delete;
    Broker& operator=(const Broker&) = delete;

    /// Binds every listener; throws std::system_error naming the endpoint (e.g. port in use).
    void bind();
    /// Binds if not yet bound, then serves until SIGINT/SIGTERM or shutdown(), then drains and
    /// returns. SIGHUP is logged and ignored: there is no reload yet, and it must not kill the
    /// node. `on_ready` runs once the node is announced and accepting. Rethrows a failure of
    /// start-up.
    void run(ReadyCallback on_ready);
    /// Starts a graceful shutdown. Thread safe.
    void shutdown();

    std::vector<boost::asio::ip::tcp::endpoint> endpoints() const;
    /// The admin listener's bound address; nothing when admin.listen is not set.
    std::optional<boost::asio::ip::tcp::endpoint> admin_endpoint() const;
    /// The RPC listener's bound address; nothing when rpc.listen is not set.
    std::optional<boost::asio::ip::tcp::endpoint> rpc_endpoint() const;

  private:
    // admin::NodeStatus, on the control loop.
    std::vector<admin::Probe> liveness_probes() override;
    std::vector<admin::Probe> readiness_probes() override;
    /// The node's gauges that are read when exposed (connections, queued output, ...).
    void register_gauges();

    void on_login(const std::shared_ptr<net::ClientSession>& session) override;
    void on_leaving(net::ClientSession& session) override;
    void on_closed(net::ClientSession& session) override;
    void on_handshake_ended(net::ClientSession& session) override;
    void on_failed_login(net::ClientSession& session) override;
    std::optional<std::chrono::milliseconds> login_wait(net::ClientSession& session) override;
    void accept(boost::asio::io_context& loop, net::LoopSocket socket,
                const net::StreamFactory& streams);
    void load_plugins();
    /// Hands what the plugins registered to the parts of the node that use it.
    void install_plugins();
    boost::asio::awaitable<void> serve(ReadyCallback on_ready);
    boost::asio::awaitable<void> drain();
    /// Follows the registry's node list, so departed nodes' routes get adopted.
    boost::asio::awaitable<void> watch_nodes();
    /// Starts the RPC listener, if any, and announces each service it hosts.
    boost::asio::awaitable<void> serve_rpc();
    /// Logs each SIGHUP and waits for the next, until shutdown cancels the wait.
    void ignore_hangups();

    config::BrokerConfig config_;
    // First, so plugin code stays loaded until everything that may run or hold it is gone.
    host::PluginLoader loader_;
    boost::asio::io_context control_;
    // After the loader, before the plugins: plugin objects go first, then what they left on
    // the loop, then their code.
    BackendLoop backend_loop_;
    /// The node as plugins see it (PluginHost::node()): handed out at setup, before node_ exists.
    cluster::LateNode late_node_;
    host::HostServices services_;
    host::Registrations plugins_;
    dispatch::Dispatcher dispatcher_;
    // The backends the plugins registered; set once at start-up.
    std::shared_ptr<Store> store_;
    std::shared_ptr<Transport> transport_;
    std::shared_ptr<Registry> registry_;
    std::shared_ptr<MessageLog> message_log_;  ///< null when the node keeps no messages
    cluster::LocalDirectory directory_;
    /// What the group fan-out holds; the router refuses group messages while it is too much.
    cluster::FanOutBacklog fan_out_backlog_;
    /// Hands group messages to the members logged in here: from this node's own senders (the
    /// router) and from other nodes (inbound_).
    std::unique_ptr<cluster::GroupFanOut> group_fan_out_;
    std::unique_ptr<cluster::ClusterRouter> router_;
    std::unique_ptr<cluster::BrokerNode> node_;
    net::SessionTracker tracker_;
    net::ConnectionGate gate_;
    net::LoginThrottle login_throttle_;
    std::unique_ptr<net::SessionEnvironment> environment_;
    /// What the service plugins registered, and the RPC listener serving it. Before the loops:
    /// the connections on them read both until the loops go.
    rpc::ServiceTable rpc_services_;
    std::unique_ptr<rpc::RpcServer> rpc_;
    // Declared after everything sessions and handlers use, so the loops (and the sessions and
    // coroutines they hold) are destroyed first.
    net::LoopPool loops_;
    std::unique_ptr<cluster::InboundDelivery> inbound_;
    /// Shared (weakly) with the registry's watch callback, which may be running as the broker
    /// goes.
    std::shared_ptr<cluster::RouteAdoption> adoption_;
    /// The watch on parley.im feeding adoption_; dropped at shutdown, and in any case before
    /// host_ (and with it the registry) goes.
    Subscription node_watch_;
    /// One per listener, in configuration order: what its protocol makes of a socket.
    std::vector<net::StreamFactory> stream_factories_;
    std::vector<std::unique_ptr<net::Listener>> listeners_;
    admin::Router admin_router_;
    std::unique_ptr<admin::AdminListener> admin_;
    /// Withdrawn in the destructor, before what they read goes.
    std::vector<Subscription> gauges_;
    /// Announced in the registry and not yet withdrawing: one of /readyz's checks.
    std::atomic<bool> announced_{false};
    boost::asio::signal_set signals_;
    boost::asio::signal_set hangups_;
    std::atomic<bool> stopping_{false};
    std::exception_ptr failure_;
};

}  // namespace parley

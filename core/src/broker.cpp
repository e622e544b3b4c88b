#include "broker.hpp"

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <parley/endpoint.hpp>
#include <parley/log_failure.hpp>

#include "cluster/timed_store.hpp"
#include "net/node_metrics.hpp"
#include "net/refusal.hpp"
#include "net/refusal_log.hpp"
#include "net/session_loop.hpp"

namespace parley {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// Every kind of object parleyd hosts: a new kind of plugin object is one more line here, and
// the code that uses it (install_plugins).
std::vector<host::KindRule> broker_plugin_kinds() {
    using host::Cardinality;
    return {
        {std::string{Transport::kPluginKind}, Cardinality::one, false},
        {std::string{Store::kPluginKind}, Cardinality::one, false},
        {std::string{Registry::kPluginKind}, Cardinality::one, false},
        {std::string{MessageLog::kPluginKind}, Cardinality::one, false},
        {std::string{Handler::kPluginKind}, Cardinality::many, false},
        {std::string{Interceptor::kPluginKind}, Cardinality::many, false},
        {std::string{EnvelopeHandler::kPluginKind}, Cardinality::many, true},
        {std::string{RpcService::kPluginKind}, Cardinality::many, false},
    };
}

std::vector<std::filesystem::path> search_paths(const config::BrokerConfig& config) {
    auto paths = config.plugin_paths;
    for (auto& path : host::default_plugin_paths()) {
        paths.push_back(std::move(path));
    }
    return paths;
}

std::string to_string(const tcp::endpoint& endpoint) {
    return Endpoint::from(endpoint).to_string();
}

/// How long /healthz and /readyz wait for a loop or a backend to answer.
constexpr std::chrono::milliseconds kProbeDeadline{2000};

}  // namespace

Broker::Broker(config::BrokerConfig config)
    : config_(std::move(config)),
      loader_(search_paths(config_)),
      services_{backend_loop_.context().get_executor(), config_.node_id, &late_node_},
      plugins_(broker_plugin_kinds(), "parleyd"),
      fan_out_backlog_(config_.server.fan_out),
      gate_(config_.server.connections),
      login_throttle_(config_.server.login_throttle),
      loops_(config_.server.threads),
      signals_(control_, SIGINT, SIGTERM),
      // Caught from construction on: the default action would end the node.
      hangups_(control_, SIGHUP) {
    load_plugins();

    group_fan_out_ =
        std::make_unique<cluster::GroupFanOut>(directory_, *store_, loops_, fan_out_backlog_);
    router_ = std::make_unique<cluster::ClusterRouter>(
        config_.node_id, directory_, *store_, *transport_, *group_fan_out_, fan_out_backlog_);
    router_->route_groups(config_.server.group_routing_by_interest,
                          config_.server.group_routing_max_members);
    node_ = std::make_unique<cluster::BrokerNode>(config_.node_id, *store_, *router_,
                                                  message_log_.get(), *registry_, directory_,
                                                  config_.server.session.heartbeat_interval);
    late_node_.bind(*node_);
    inbound_ = std::make_unique<cluster::InboundDelivery>(
        config_.node_id, directory_, *store_, *router_, *transport_, loops_, *group_fan_out_);
    adoption_ = std::make_shared<cluster::RouteAdoption>(config_.node_id, transport_);
    environment_ = std::make_unique<net::SessionEnvironment>(
        net::SessionEnvironment{config_.server.session, dispatcher_, *node_, *this});
    // Each event loop keeps its sessions' output to its share of the node's cap, so that no
    // count is shared between threads on the path of every message.
    net::SessionLimits& limits = environment_->limits;
    limits.max_queued_output =
        std::max(limits.write_queue_limit,
                 limits.max_queued_output / std::max<std::size_t>(1, loops_.size()));
    install_plugins();
    for (const auto& endpoint : config_.server.listen) {
        stream_factories_.emplace_back(endpoint, config_.server.session);
    }
    admin_router_.add_interceptor(admin::bearer_token_interceptor(config_.admin.token));
    admin::add_node_routes(admin_router_, *this, control_.get_executor(), kProbeDeadline);
    admin::add_service_routes(admin_router_, rpc_services_, !config_.admin.token.empty(),
                              config_.rpc.default_timeout);
    register_gauges();
}

Broker::~Broker() {
    gauges_.clear();
    loops_.stop();
    loops_.join();
    backend_loop_.stop();
}

void Broker::load_plugins() {
    auto load = [this](const host::PluginRequest& request) {
        loader_.load(request, plugins_, services_);
    };
    load(config_.store);
    if (config_.message_log) {
        load(*config_.message_log);
    }
    load(config_.transport);
    load(config_.registry);
    for (const auto& request : config_.interceptors) {
        load(request);
    }
    for (const auto& request : config_.handlers) {
        load(request);
    }
    for (const auto& request : config_.services) {
        load(request);
    }
    auto require = [](bool present, const host::PluginRequest& request, const char* what) {
        if (!present) {
            throw host::PluginError(request.kind + " plugin '" + request.name +
                                    "' set up without registering " + what);
        }
    };
    store_ = plugins_.one<Store>();
    transport_ = plugins_.one<Transport>();
    registry_ = plugins_.one<Registry>();
    message_log_ = plugins_.one<MessageLog>();
    require(store_ != nullptr, config_.store, "a store");
    store_ = std::make_shared<cluster::TimedStore>(std::move(store_), config_.store.name);
    require(transport_ != nullptr, config_.transport, "a transport");
    require(registry_ != nullptr, config_.registry, "a registry");
    if (config_.message_log) {
        require(message_log_ != nullptr, *config_.message_log, "a message log");
    }
    spdlog::info(
        "node '{}': store '{}', transport '{}', registry '{}', message log '{}', {} interceptor "
        "plugins",
        config_.node_id, config_.store.name, config_.transport.name, config_.registry.name,
        config_.message_log ? config_.message_log->name : std::string{"none"},
        config_.interceptors.size());
}

void Broker::install_plugins() {
    // The tables refuse a key two plugins claim with std::invalid_argument naming both; at
    // start-up that is a plugin error like any other.
    try {
        for (auto& handler : plugins_.all<Handler>()) {
            dispatcher_.handlers().add(static_cast<FrameType>(handler.key),
                                       std::move(handler.object), handler.owner);
        }
        for (auto& handler : plugins_.all<EnvelopeHandler>()) {
            inbound_->add_envelope_handler(static_cast<std::uint8_t>(handler.key),
                                           std::move(handler.object), handler.owner);
        }
        for (auto& service : plugins_.all<RpcService>()) {
            rpc_services_.add(std::move(service.object), service.owner);
        }
    } catch (const std::invalid_argument& e) {
        throw host::PluginError(e.what());
    }
    for (auto& interceptor : plugins_.all<Interceptor>()) {
        dispatcher_.add_interceptor(std::move(interceptor.object));
    }
}

std::vector<tcp::endpoint> Broker::endpoints() const {
    std::vector<tcp::endpoint> out;
    for (const auto& listener : listeners_) {
        out.push_back(listener->local_endpoint());
    }
    return out;
}

std::optional<tcp::endpoint> Broker::admin_endpoint() const {
    if (!admin_) {
        return std::nullopt;
    }
    return admin_->local_endpoint();
}

void Broker::register_gauges() {
    auto& registry = metrics::registry();
    // Created now, so that every series is exposed (at zero) from the start.
    net::NodeMetrics::get();
    gauges_.push_back(registry.gauge_function(
        "parley_connections_open", "Client connections open (logged in or not).", {},
        [this] { return static_cast<double>(tracker_.count()); }));
    gauges_.push_back(
        registry.gauge_function("parley_users_online", "Users logged in on this node.", {},
                                [this] { return static_cast<double>(directory_.size()); }));
    gauges_.push_back(registry.gauge_function(
        "parley_write_queue_bytes", "Bytes queued for writing to clients, all sessions.", {},
        [this] {
            double total = 0;
            for (std::size_t i = 0; i < loops_.size(); ++i) {
                total += static_cast<double>(net::SessionLoop::of(loops_.at(i)).queued_output());
            }
            return total;
        }));
    gauges_.push_back(registry.gauge_function(
        "parley_rpc_connections_open", "Connections open to this node's RPC listener.", {},
        [this] { return rpc_ ? static_cast<double>(rpc_->connections()) : 0.0; }));
    gauges_.push_back(
        registry.gauge_function("parley_event_loops", "Session event loops.", {},
                                [this] { return static_cast<double>(loops_.size()); }));
}

std::vector<admin::Probe> Broker::liveness_probes() {
    std::vector<admin::Probe> probes;
    for (std::size_t i = 0; i < loops_.size(); ++i) {
        asio::io_context& loop = loops_.at(i);
        probes.push_back({"loop " + std::to_string(i), [&loop]() -> asio::awaitable<void> {
                              // Runs nothing on the loop and comes back: only a loop that
                              // turns lets it through.
                              co_await asio::post(loop.get_executor(), asio::use_awaitable);
                          }});
    }
    return probes;
}

std::vector<admin::Probe> Broker::readiness_probes() {
    std::vector<admin::Probe> probes;
    probes.push_back({"store", [store = store_] { return store->check_ready(); }});
    probes.push_back({"registry", [registry = registry_] { return registry->check_ready(); }});
    probes.push_back({"transport", [transport = transport_] { return transport->check_ready(); }});
    if (message_log_) {
        probes.push_back({"message_log", [log = message_log_] { return log->check_ready(); }});
    }
    probes.push_back({"announced", [this]() -> asio::awaitable<void> {
                          if (!announced_ || stopping_) {
                              throw Error(ErrorCode::backend_unavailable,
                                          stopping_ ? "shutting down"
                                                    : "not announced in the registry yet");
                          }
                          co_return;
                      }});
    return probes;
}

void Broker::bind() {
    if (config_.admin.listen && !admin_) {
        admin_ = std::make_unique<admin::AdminListener>(control_, config_.admin, admin_router_);
    }
    if (config_.rpc.listen && !rpc_) {
        rpc_ = std::make_unique<rpc::RpcServer>(control_, config_.rpc, rpc_services_, loops_);
    }
    for (std::size_t i = 0; i < config_.server.listen.size(); ++i) {
        const net::StreamFactory* streams = &stream_factories_[i];
        listeners_.push_back(std::make_unique<net::Listener>(
            control_, config_.server.listen[i], loops_,
            [this, streams](asio::io_context& loop, net::LoopSocket socket) {
                accept(loop, std::move(socket), *streams);
            }));
    }
}

void Broker::run(ReadyCallback on_ready) {
    if (listeners_.empty()) {
        bind();
    }
    signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
        if (!ec) {
            spdlog::info("signal {} received; shutting down", signal);
            shutdown();
        }
    });
    ignore_hangups();
    loops_.start();
    asio::co_spawn(control_, serve(std::move(on_ready)), [this](const std::exception_ptr& e) {
        if (e) {
            failure_ = e;
            shutdown();
        }
    });
    control_.run();
    loops_.join();
    if (failure_) {
        std::rethrow_exception(failure_);
    }
}

asio::awaitable<void> Broker::serve(ReadyCallback on_ready) {
    if (admin_) {
        // First, so /healthz answers while the node is still starting.
        admin_->start();
        const auto bound = admin_->local_endpoint();
        spdlog::info("admin listening on http://{}", to_string(bound));
        if (!bound.address().is_loopback() && config_.admin.token.empty()) {
            spdlog::warn(
                "admin listener on {} is reachable from other hosts and has no admin.token: "
                "anyone who can reach it can read /metrics",
                to_string(bound));
        }
    }
    transport_->start(config_.node_id, *inbound_);
    std::vector<std::string> advertised = config_.server.advertise;
    for (std::size_t i = 0; i < listeners_.size(); ++i) {
        auto& listener = listeners_[i];
        const auto bound = listener->local_endpoint();
        const std::string& protocol = config_.server.listen[i].protocol;
        stream_factories_[i].set_listener_name(protocol + "://" + to_string(bound));
        listener->start();
        spdlog::info("listening on {}://{}", protocol, to_string(bound));
        if (config_.server.advertise.empty()) {
            if (bound.address().is_unspecified()) {
                spdlog::warn(
                    "listening on {} without server.advertise: the registry will announce an "
                    "address clients cannot use; set server.advertise to the reachable one",
                    to_string(bound));
            }
            const auto& websocket = config_.server.listen[i].websocket;
            advertised.push_back(ServiceEndpoint{protocol, Endpoint::from(bound),
                                                 websocket ? websocket->path : std::string{}}
                                     .to_string());
        }
    }
    ServiceInstance self{
        kParleyService, config_.node_id, advertised, 0, {{"version", PARLEY_VERSION}}};
    co_await registry_->announce(std::move(self));
    co_await serve_rpc();
    announced_ = true;
    co_await watch_nodes();
    if (on_ready) {
        on_ready(endpoints());
    }
    spdlog::info("node '{}' ready", config_.node_id);

    // The load a node announces is the number of users logged in on it.
    asio::steady_timer tick(control_);
    while (!stopping_) {
        tick.expires_after(std::chrono::seconds(1));
        boost::system::error_code ec;
        co_await tick.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        registry_->report_load(kParleyService, static_cast<std::uint32_t>(directory_.size()));
        if (rpc_) {
            // An RPC service's load is the callers connected to this node's listener.
            for (const std::string& service : rpc_services_.names()) {
                registry_->report_load(service, static_cast<std::uint32_t>(rpc_->connections()));
            }
        }
    }
}

asio::awaitable<void> Broker::serve_rpc() {
    if (!rpc_) {
        co_return;
    }
    rpc_->start();
    const auto bound = rpc_->local_endpoint();
    spdlog::info("rpc listening on tcp://{}: {}", to_string(bound),
                 fmt::join(rpc_services_.names(), ", "));
    if (bound.address().is_unspecified() && config_.rpc.advertise.empty()) {
        spdlog::warn(
            "rpc listening on {} without rpc.advertise: the registry will announce an address "
            "callers cannot use; set rpc.advertise to the reachable one",
            to_string(bound));
    }
    if (!bound.address().is_loopback() && config_.rpc.token.empty()) {
        spdlog::warn(
            "rpc listener on {} is reachable from other hosts and has no rpc.token: anyone who "
            "can reach it can call its services",
            to_string(bound));
    }
    // Each service is its own entry in the registry, so callers find it by its name.
    for (const std::string& service : rpc_services_.names()) {
        ServiceInstance instance{service, config_.node_id, {rpc_->advertised()}, 0, {}};
        instance.metadata.emplace("version", PARLEY_VERSION);
        co_await registry_->announce(std::move(instance));
    }
}

std::optional<tcp::endpoint> Broker::rpc_endpoint() const {
    if (!rpc_) {
        return std::nullopt;
    }
    return rpc_->local_endpoint();
}

asio::awaitable<void> Broker::watch_nodes() {
    // Seed with the nodes alive now: a node can only be adopted once it has been seen alive.
    const std::vector<ServiceInstance> now = co_await registry_->instances(kParleyService);
    adoption_->on_nodes(now);
    router_->on_nodes(now);
    // The router lives until the broker ends, after the watch is dropped (shutdown).
    node_watch_ = registry_->watch(kParleyService,
                                   [adoption = std::weak_ptr<cluster::RouteAdoption>(adoption_),
                                    router = router_.get()](std::vector<ServiceInstance> nodes) {
                                       router->on_nodes(nodes);
                                       if (const auto live = adoption.lock()) {
                                           live->on_nodes(nodes);
                                       }
                                   });
}

void Broker::ignore_hangups() {
    hangups_.async_wait([this](const boost::system::error_code& ec, int /*signal*/) {
        if (!ec) {
            spdlog::info("SIGHUP received; configuration reload is not supported, ignoring");
            ignore_hangups();
        }
    });
}

void Broker::shutdown() {
    asio::post(control_, [this] {
        if (stopping_.exchange(true)) {
            return;
        }
        signals_.cancel();
        hangups_.cancel();
        asio::co_spawn(control_, drain(), [this](const std::exception_ptr& e) {
            log_failure("shutdown", e);
            loops_.stop();
            control_.stop();
        });
    });
}

asio::awaitable<void> Broker::drain() {
    for (auto& listener : listeners_) {
        listener->stop();
    }
    if (rpc_) {
        rpc_->stop();
    }
    node_watch_.reset();  // no adoption once shutting down
    announced_ = false;
    try {
        co_await registry_->withdraw();
    } catch (const std::exception& e) {
        spdlog::warn("could not withdraw from the registry: {}", e.what());
    }
    const std::size_t open = tracker_.count();
    tracker_.close_all(Error(ErrorCode::server_shutdown, "the server is shutting down"));

    // Give sessions the grace period to flush their goodbyes, then stop regardless.
    asio::steady_timer poll(control_);
    const auto deadline = std::chrono::steady_clock::now() + config_.server.shutdown_grace;
    while (tracker_.count() > 0 && std::chrono::steady_clock::now() < deadline) {
        poll.expires_after(std::chrono::milliseconds(20));
        co_await poll.async_wait(asio::use_awaitable);
    }
    spdlog::info("shut down: {} sessions told, {} still open at the deadline", open,
                 tracker_.count());
    adoption_->stop();
    transport_->stop();
    if (admin_) {
        admin_->stop();
    }
}

void Broker::accept(asio::io_context& loop, net::LoopSocket socket,
                    const net::StreamFactory& streams) {
    if (stopping_) {
        return;
    }
    boost::system::error_code ec;
    const tcp::endpoint peer = socket.remote_endpoint(ec);
    if (ec) {
        return;  // gone already
    }
    const std::uint64_t address = net::ConnectionGate::key_of(peer.address());
    // Before any TLS or WebSocket handshake: the refusal is a plain GOODBYE frame, which a TLS
    // or WebSocket client sees as a failed handshake.
    if (auto refusal = gate_.admit(address)) {
        net::refuse_connection(socket.native_handle(), *refusal);
        net::log_refusal(net::Refusal::busy, "{}: {} {}", to_string(peer),
                         static_cast<unsigned>(refusal->code()), refusal->what());
        return;
    }
    auto session = std::make_shared<net::ClientSession>(
        loop, streams.make(std::move(socket)), *environment_, node_->next_session_epoch(), address);
    tracker_.add(session);
    session->start();
}

void Broker::on_handshake_ended(net::ClientSession&) {
    gate_.handshake_ended();
}

void Broker::on_failed_login(net::ClientSession& session) {
    login_throttle_.failed(session.address_key(), net::LoginThrottle::Clock::now());
}

std::optional<std::chrono::milliseconds> Broker::login_wait(net::ClientSession& session) {
    return login_throttle_.wait_before_login(session.address_key(),
                                             net::LoginThrottle::Clock::now());
}

void Broker::on_login(const std::shared_ptr<net::ClientSession>& session) {
    directory_.insert(session->user(), session);
}

void Broker::on_closed(net::ClientSession& session) {
    tracker_.remove(&session);
    gate_.release(session.address_key());
}

void Broker::on_leaving(net::ClientSession& session) {
    const UserId user = session.user();
    if (user == kNoUser) {
        return;
    }
    directory_.erase(user, &session);
    asio::co_spawn(session.executor(), store_->release(user, session.epoch()),
                   [user](const std::exception_ptr& e) {
                       log_failure("releasing user " + std::to_string(user), e);
                   });
}

}  // namespace parley

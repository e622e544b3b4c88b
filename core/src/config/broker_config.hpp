#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <parley/config_node.hpp>
#include <parley/host/plugin_loader.hpp>

#include "config/admin_settings.hpp"
#include "config/fan_out_limits.hpp"
#include "config/listener_settings.hpp"
#include "config/rpc_settings.hpp"
#include "config/session_limits.hpp"

namespace parley::config {

/// How many connections the node serves: `server.max_connections` and its kin.
struct ConnectionLimits {
    std::size_t max_connections = 50000;
    std::size_t max_connections_per_address = 500;
    /// Connections not logged in yet; the rest of max_connections is kept for logged-in ones.
    std::size_t max_prelogin_connections = 5000;
};

/// Failed handshakes per client address: a token bucket, one token per failure.
struct LoginThrottleSettings {
    double failed_login_rate = 1.0;  ///< tokens per second, positive and finite
    unsigned failed_login_burst = 20;
};

struct ServerSettings {
    std::vector<ListenEndpoint> listen;
    /// "scheme://host:port" clients should use, announced in the registry (a bare "host:port"
    /// in YAML is read as tcp); empty: the bound listeners.
    std::vector<std::string> advertise;
    unsigned threads = 0;  ///< event loops; 0 = one per core
    SessionLimits session;
    ConnectionLimits connections;
    LoginThrottleSettings login_throttle;
    FanOutLimits fan_out;
    /// Where a group message goes in a cluster: true (`interest`) only to the nodes that hold
    /// members; false (`broadcast`) on the transport's group route, which every node consumes.
    bool group_routing_by_interest = true;
    /// Groups with more members than this get a copy on every live node's route even by
    /// interest: asking where each member is would cost more per message than every node
    /// reading the message.
    std::uint32_t group_routing_max_members = 1000;
    std::chrono::milliseconds shutdown_grace{2000};
};

/// Everything parleyd reads from YAML, validated. Plugin settings stay raw: each plugin
/// validates its own.
struct BrokerConfig {
    std::string node_id;
    ServerSettings server;
    AdminSettings admin;  ///< `admin:`; off unless admin.listen is set
    RpcSettings rpc;      ///< `rpc:`; off unless rpc.listen is set
    std::string log_level = "info";
    std::vector<std::filesystem::path> plugin_paths;  ///< searched before the defaults
    host::PluginRequest transport;
    host::PluginRequest registry;
    host::PluginRequest store;
    /// `message_log:`; absent (no name) when the node keeps no messages.
    std::optional<host::PluginRequest> message_log;
    std::vector<host::PluginRequest> handlers;
    std::vector<host::PluginRequest> interceptors;
    /// `services:`, hosted on the RPC listener.
    std::vector<host::PluginRequest> services;
};

/// Reads the merged document. Throws ConfigError (file:line:column) for unknown keys, wrong
/// types, missing sections and impossible values.
BrokerConfig parse_broker_config(const ConfigNode& root);

/// "host:port" -> endpoint; throws ConfigError at `node` when malformed.
ListenEndpoint parse_endpoint(const ConfigNode& node);

/// A server.listen entry: "host:port" (tcp) or {address, protocol, tls, websocket}; throws
/// ConfigError for a malformed one, an unknown protocol or settings the protocol lacks.
ListenEndpoint parse_listen_entry(const ConfigNode& node);

/// A server.advertise entry, "host:port" or "scheme://host:port", as "scheme://host:port".
std::string parse_advertised(const ConfigNode& node);

}  // namespace parley::config

#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include <parley/config_node.hpp>

#include "config/listener_settings.hpp"

namespace parley::config {

/// The `rpc:` section: the node's listener for remote procedure calls to the services it hosts
/// (docs/rpc.md). Off unless `listen` is set.
struct RpcSettings {
    std::optional<ListenEndpoint> listen;  ///< "host:port"; absent: no RPC listener
    /// "tcp://host:port" callers should use, announced in the registry; empty: the bound one.
    std::string advertise;
    /// Every call must carry this token; empty: calls are not checked.
    std::string token;
    std::size_t max_connections = 1000;
    /// Calls a connection may have running or answered-but-unsent; beyond it the connection is
    /// not read until one is done.
    std::size_t max_calls_per_connection = 128;
    /// For calls that name no time-out, and the most a call may ask for.
    std::chrono::milliseconds default_timeout{30'000};
    std::chrono::milliseconds max_timeout{300'000};
    std::uint32_t max_frame_size = 4 * 1024 * 1024;  ///< largest request or answer body
};

/// Reads an `rpc:` map; throws ConfigError naming the key for a mistake.
RpcSettings parse_rpc_settings(const ConfigNode& node);

}  // namespace parley::config

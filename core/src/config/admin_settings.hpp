#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include <parley/config_node.hpp>

#include "config/listener_settings.hpp"

namespace parley::config {

/// The `admin:` section: the node's HTTP listener for health, readiness and metrics
/// (docs/admin-http.md). Off unless `listen` is set.
struct AdminSettings {
    std::optional<ListenEndpoint> listen;  ///< "host:port"; absent: no admin listener
    /// Bearer token the protected routes (/metrics) require; empty: they are open.
    std::string token;
    std::size_t max_connections = 16;                 ///< admin connections open at once
    std::chrono::milliseconds request_timeout{5000};  ///< to read one request, head and body
    std::size_t max_request_size = 64 * 1024;         ///< head and body together
};

/// Refuses a bearer token (admin.token, rpc.token) that is short or not printable ASCII.
void check_secret_token(const ConfigNode& token, const std::string& key);

/// Reads an `admin:` map; throws ConfigError naming the key for a mistake.
AdminSettings parse_admin_settings(const ConfigNode& node);

}  // namespace parley::config

#pragma once
// YAML for a standalone test node (local transport, static registry, memory store) listening
// on 127.0.0.1:0. Every optional left empty is omitted, so the daemon's default applies.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace parley::test {

struct StandaloneConfig {
    std::string node_id = "test-node";
    std::vector<std::string> listen{"127.0.0.1:0"};
    /// More listeners after `listen`, each a YAML flow map:
    /// "{address: \"127.0.0.1:0\", protocol: ws}".
    std::vector<std::string> extra_listeners;
    std::optional<int> threads = 2;
    /// Durations and sizes are YAML text, as an operator would write them: "200ms", "1MiB".
    std::optional<std::string> heartbeat_interval;
    std::optional<int> idle_heartbeats;
    std::optional<std::string> handshake_timeout;
    std::optional<std::string> max_frame_size;
    std::optional<std::string> write_queue_limit;
    std::optional<std::string> shutdown_grace;
    /// More `server:` settings, each "key: value": "max_connections_per_address: 3".
    std::vector<std::string> server_settings;
    /// The handshake handler's policy for a second login: "reject" or "kick".
    std::optional<std::string> duplicate_login;
    /// More handshake settings, each "key: value" in YAML flow style: "auth: static",
    /// "tokens: {42: s3cret}". Without any, the handler's default (auth: none) applies.
    std::vector<std::string> handshake_settings;
    /// store-memory's settings, each "key: value" in YAML flow style: "groups_path: \"/x.db\"".
    /// Without any, the store takes none.
    std::vector<std::string> store_settings;
    std::string log_level = "info";
    /// plugins.paths: searched before the daemon's own plugin directory.
    std::vector<std::string> plugin_paths;
    /// Handlers after the standard five, each a YAML flow item:
    /// "{plugin: dice, settings: {sides: 6}}".
    std::vector<std::string> extra_handlers;
    /// Interceptors, each a YAML flow item.
    std::vector<std::string> interceptors;
    /// Appended verbatim at the end (top-level keys).
    std::string extra_yaml;
};

/// The YAML text of `config`.
std::string standalone_yaml(const StandaloneConfig& config);

/// Writes standalone_yaml(config) to `path` and returns the path, ready for DaemonOptions.
std::filesystem::path write_standalone_config(const std::filesystem::path& path,
                                              const StandaloneConfig& config);

}  // namespace parley::test

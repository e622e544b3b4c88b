#pragma once
// The client's YAML configuration (docs/terminal-client.md documents it):
//
//     registry:                 # where nodes come from: a registry plugin ...
//       plugin: static
//       settings:
//         services: {parley.im: [{id: n1, endpoints: ["tcp://127.0.0.1:7400"]}]}
//     # servers: ["127.0.0.1:7400", "127.0.0.1:7401"]   # ... or a fixed list
//     policy: round-robin       # random | round-robin | least-loaded | consistent-hash
//     plugin_paths: [plugins]   # searched before the default plugin directories
//     user: 1                   # optional; the command line wins
//     token: secret
//     heartbeat_interval: 10s   # default: the server's
//     max_missed_heartbeats: 3
//     reconnect: true
//     backoff: {initial: 200ms, max: 10s, multiplier: 2}
//     connect_timeout: 5s

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <parley/asio.hpp>
#include <parley/client/client_options.hpp>
#include <parley/client/discovery.hpp>
#include <parley/config_node.hpp>
#include <parley/host/plugin_loader.hpp>

namespace parley::client {

struct ClientConfig {
    std::vector<std::string> servers;             ///< a fixed list of "host:port", or ...
    std::optional<host::PluginRequest> registry;  ///< ... a registry plugin
    std::string policy = "random";
    std::vector<std::filesystem::path> plugin_paths;  ///< searched before default_plugin_paths()
    ClientOptions options;
};

/// Reads and validates a client configuration file. Relative plugin paths are taken relative
/// to the file's directory. Throws ConfigError naming file, line and column.
ClientConfig load_client_config(const std::filesystem::path& file);
/// The same for a parsed tree; relative paths are taken relative to `base_dir`.
ClientConfig parse_client_config(const ConfigNode& root, const std::filesystem::path& base_dir);

/// The discovery a configuration asks for: a FixedDiscovery for `servers`, or a
/// RegistryDiscovery that loads the plugin (search order: `plugin_paths`, then
/// host::default_plugin_paths()). Call on the main thread before the loop runs.
std::shared_ptr<Discovery> make_discovery(const ClientConfig& config,
                                          asio::any_io_executor executor,
                                          std::string client_id = "client");

}  // namespace parley::client

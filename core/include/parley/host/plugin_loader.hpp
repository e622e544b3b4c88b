#pragma once
// Loading plugins, for programs that host them (parleyd, the client library). Plugins themselves
// never include this.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <parley/asio.hpp>
#include <parley/config_node.hpp>
#include <parley/host/registrations.hpp>
#include <parley/plugin.hpp>

namespace parley::host {

/// One plugin as YAML names it.
struct PluginRequest {
    std::string kind;                     ///< "handler", "transport", ...
    std::string name;                     ///< "local", "handshake", ...
    std::filesystem::path explicit_path;  ///< YAML `path:`; empty to search
    ConfigNode settings;                  ///< YAML `settings:`; null when absent
    SourceLocation where;                 ///< where YAML named the plugin
};

/// What a program lends the plugins it loads.
struct HostServices {
    asio::any_io_executor executor;  ///< a loop backends may use for their own I/O
    std::string node_id;             ///< the node's id, or the client's own name
    Node* node = nullptr;            ///< the node the plugins serve; null in a client
};

/// Loads plugin shared objects with Boost.DLL and runs their setup. Every object a plugin
/// registers goes into a Registrations, wrapped so that it keeps the plugin's library loaded
/// for as long as it lives. Libraries are never unloaded while the loader lives.
///
/// Use from the main thread at start-up.
class PluginLoader {
  public:
    explicit PluginLoader(std::vector<std::filesystem::path> search_paths);
    ~PluginLoader();
    PluginLoader(const PluginLoader&) = delete;
    PluginLoader& operator=(const PluginLoader&) = delete;

    /// The file a request resolves to: `explicit_path`, or the first search path holding
    /// "parley-<kind>-<name>.so". Throws PluginError listing the paths tried.
    std::filesystem::path resolve(const PluginRequest& request) const;

    /// Loads, checks the descriptor (API version, kind, name) and calls setup, which registers
    /// into `into`. Throws PluginError for load failures and refused registrations, and
    /// ConfigError for bad settings.
    void load(const PluginRequest& request, Registrations& into, const HostServices& services);

    const std::vector<std::filesystem::path>& search_paths() const noexcept { return paths_; }

  private:
    struct Impl;
    std::vector<std::filesystem::path> paths_;
    std::unique_ptr<Impl> impl_;
};

/// "parley-<kind>-<name>.so"
std::string plugin_file_name(const std::string& kind, const std::string& name);

/// Where plugins are looked for when the configuration names no path: the directories in
/// $PARLEY_PLUGIN_PATH (colon separated), then <dir of this executable>/../lib/parley/plugins,
/// which is right for both the build tree and an installed tree.
std::vector<std::filesystem::path> default_plugin_paths();

/// Reads a YAML plugin reference: either a bare name, or a map {plugin, path, settings}.
PluginRequest parse_plugin_request(const std::string& kind, const ConfigNode& node);

}  // namespace parley::host

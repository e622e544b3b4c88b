#pragma once
// Loading plugins, for programs that host them (parleyd, the client library). Plugins themselves
// never include this.

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <parley/config_node.hpp>
#include <parley/plugin.hpp>

namespace parley::host {

/// A plugin could not be loaded. what() names the plugin, the paths tried and what to do.
class PluginError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
    ~PluginError() override;
    PluginError(const PluginError&) = default;
    PluginError& operator=(const PluginError&) = default;
};

/// One plugin as YAML names it.
struct PluginRequest {
    std::string kind;                     ///< "handler", "transport", ...
    std::string name;                     ///< "local", "handshake", ...
    std::filesystem::path explicit_path;  ///< YAML `path:`; empty to search
    ConfigNode settings;                  ///< YAML `settings:`; null when absent
    SourceLocation where;                 ///< where YAML named the plugin
};

/// Loads plugin shared objects with Boost.DLL and runs their setup against a host. Every object
/// a plugin registers is handed to the host wrapped so that it keeps the plugin's library
/// loaded for as long as it lives. Libraries are never unloaded while the loader lives.
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

    /// Loads, checks the descriptor (API version, kind, name) and calls setup. Throws
    /// PluginError for load failures and ConfigError for bad settings.
    void load(const PluginRequest& request, PluginHost& host);

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

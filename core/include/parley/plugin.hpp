#pragma once
// The plugin boundary. A plugin is a shared object exporting one symbol, `parley_plugin_entry`,
// which returns a PluginDescriptor. The host reads `api_version` first and refuses a mismatch
// before calling anything else; then it calls `setup` with the plugin's settings, and the plugin
// registers what it provides. Static constructors in a plugin should do nothing.
//
//     void setup(parley::PluginHost& host, const parley::ConfigNode& settings) {
//         parley::SettingsReader reader(settings, "dice handler settings");
//         auto sides = reader.get_int("sides", 6, 2, 1000);
//         reader.finish();
//         host.add_handler(parley::FrameType{0x80}, std::make_shared<DiceHandler>(sides));
//     }
//     PARLEY_PLUGIN("handler", "dice", "rolls dice on frame type 0x80", setup)

#include <cstdint>
#include <memory>
#include <string>

#include <boost/config.hpp>
#include <boost/dll/alias.hpp>

#include <parley/asio.hpp>
#include <parley/config_node.hpp>
#include <parley/frame.hpp>
#include <parley/handler.hpp>
#include <parley/registry.hpp>
#include <parley/store.hpp>
#include <parley/transport.hpp>
#include <parley/types.hpp>

namespace parley {

/// What a plugin may register. Calls happen on the main thread during start-up only.
/// Registering a second transport, store or registry, or a second handler for one frame type,
/// is a start-up error that names both plugins.
class BOOST_SYMBOL_VISIBLE PluginHost {
  public:
    virtual ~PluginHost();

    virtual void add_handler(FrameType type, std::shared_ptr<Handler> handler) = 0;
    virtual void add_interceptor(std::shared_ptr<Interceptor> interceptor) = 0;
    virtual void set_transport(std::shared_ptr<Transport> transport) = 0;
    virtual void set_store(std::shared_ptr<Store> store) = 0;
    virtual void set_registry(std::shared_ptr<Registry> registry) = 0;

    /// An event loop that backends may use for their own I/O; it runs until shutdown.
    virtual asio::any_io_executor executor() = 0;
    /// This node's id (the client's own name when a client loads the plugin).
    virtual const std::string& node_id() const = 0;
};

struct PluginDescriptor {
    std::uint32_t api_version;  ///< first member, always: kPluginApiVersion at build time
    const char* kind;           ///< "handler", "interceptor", "transport", "store" or "registry"
    const char* name;           ///< as written in YAML
    const char* description;
    /// Reads `settings` (throwing ConfigError on a mistake) and registers with `host`.
    void (*setup)(PluginHost& host, const ConfigNode& settings);
};

using PluginEntry = const PluginDescriptor*();
inline constexpr const char* kPluginEntrySymbol = "parley_plugin_entry";

}  // namespace parley

/// Defines the plugin's descriptor and exports the entry symbol. Use once per plugin, in
/// plugin.cpp.
#define PARLEY_PLUGIN(kind, name, description, setup_fn)                                          \
    namespace {                                                                                   \
    const ::parley::PluginDescriptor parley_plugin_descriptor_{::parley::kPluginApiVersion, kind, \
                                                               name, description, setup_fn};      \
    const ::parley::PluginDescriptor* parley_plugin_entry_impl() {                                \
        return &parley_plugin_descriptor_;                                                        \
    }                                                                                             \
    }                                                                                             \
    BOOST_DLL_ALIAS(parley_plugin_entry_impl, parley_plugin_entry)

#pragma once
// The plugin boundary. A plugin is a shared object exporting one symbol, `parley_plugin_entry`,
// which returns a PluginDescriptor. The host reads `api_version` first and refuses a mismatch
// before calling anything else; then it calls `setup` with the plugin's settings, and the plugin
// registers what it provides through one call, PluginHost::add. Static constructors in a plugin
// should do nothing.
//
//     void setup(parley::PluginHost& host, const parley::ConfigNode& settings) {
//         const DiceSettings dice = read_dice_settings(settings);  // throws ConfigError
//         host.add_handler(parley::FrameType{0x80}, std::make_shared<DiceHandler>(dice.sides));
//     }
//     PARLEY_PLUGIN("handler", "dice", "rolls dice on frame type 0x80", setup)

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <boost/config.hpp>
#include <boost/dll/alias.hpp>

#include <parley/asio.hpp>
#include <parley/config_node.hpp>
#include <parley/frame.hpp>
#include <parley/handler.hpp>
#include <parley/node.hpp>
#include <parley/registry.hpp>
#include <parley/store.hpp>
#include <parley/transport.hpp>
#include <parley/types.hpp>

namespace parley {

/// One object a plugin hands to the host, type-erased. `kind` names the SDK interface `object`
/// points to (that interface's kPluginKind: "handler", "interceptor", "transport", "store",
/// "registry", "envelope handler", ...); `key` is what objects of that kind are keyed by, if
/// anything (a handler's frame type, an envelope handler's envelope kind).
struct Registration {
    std::string_view kind;
    std::shared_ptr<void> object;
    std::uint32_t key = 0;
};

/// What a plugin's setup talks to. Calls happen on the main thread during start-up only.
///
/// Every kind of object goes through one call, add(): a new kind of plugin needs a new SDK
/// interface and nothing here. Which kinds a program hosts, how many of each, and which plugin
/// kinds may register them is the host's table (host/registrations.hpp); a registration it does
/// not take (a second transport, a transport from a handler plugin, a handler in the client) is a
/// start-up error that names the plugin.
class BOOST_SYMBOL_VISIBLE PluginHost {
  public:
    virtual ~PluginHost();

    /// The one registration entry. Prefer the typed add() below.
    virtual void register_object(Registration registration) = 0;

    /// Registers `object` as its SDK interface `T::PluginInterface` (say, a DiceHandler as a
    /// Handler), under `key` for keyed kinds.
    template <class T>
    void add(std::shared_ptr<T> object, std::uint32_t key = 0) {
        using Interface = typename T::PluginInterface;
        // Converted to the interface first: with several bases, a T* and its Interface* differ.
        std::shared_ptr<Interface> as_interface = std::move(object);
        register_object(Registration{Interface::kPluginKind, std::move(as_interface), key});
    }
    /// add() for the common keyed case: `handler` handles frames of `type`.
    void add_handler(FrameType type, std::shared_ptr<Handler> handler) {
        add(std::move(handler), static_cast<std::uint32_t>(type));
    }

    /// An event loop that backends may use for their own I/O; it runs until shutdown.
    virtual asio::any_io_executor executor() = 0;
    /// This node's id (the client's own name when a client loads the plugin).
    virtual const std::string& node_id() const = 0;
    /// The node the plugin serves, for service plugins that act on it (who is online, closing
    /// sessions, sending messages); null when a client loads the plugin. Usable from the first
    /// call the plugin serves, not during setup. Plugin API 6.
    virtual Node* node() = 0;
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

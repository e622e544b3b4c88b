#pragma once
// Loads a built plugin exactly as parleyd does and keeps what it registered, so a test can call
// the objects.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include <parley/config_node.hpp>
#include <parley/host/plugin_loader.hpp>
#include <parley/host/registrations.hpp>
#include <parley/message_log.hpp>
#include <parley/plugin.hpp>

namespace parley::test {

/// Every kind the SDK defines, from any plugin, any number: a test looks at what was
/// registered rather than at the rules of one program.
inline std::vector<host::KindRule> every_plugin_kind() {
    std::vector<host::KindRule> rules;
    for (const std::string_view kind :
         {Handler::kPluginKind, Interceptor::kPluginKind, Transport::kPluginKind,
          Store::kPluginKind, Registry::kPluginKind, EnvelopeHandler::kPluginKind,
          MessageLog::kPluginKind}) {
        rules.push_back({std::string{kind}, host::Cardinality::many, true});
    }
    return rules;
}

class PluginTestHost {
  public:
    /// Loads parley-<kind>-<name>.so from the default plugin paths (the build's plugin
    /// directory, beside the test's bin directory) with `yaml` as its settings.
    void load(const std::string& kind, const std::string& name, std::string_view yaml = {}) {
        host::PluginRequest request;
        request.kind = kind;
        request.name = name;
        if (!yaml.empty()) {
            request.settings = ConfigNode::parse_string(yaml, "test.yaml");
        }
        load(request, loader);
    }

    /// Loads `request` with `through`, keeping what it registers.
    void load(const host::PluginRequest& request, host::PluginLoader& through) {
        host::Registrations registered(every_plugin_kind(), "the test host");
        through.load(request, registered, host::HostServices{io.get_executor(), node});
        for (auto& handler : registered.all<Handler>()) {
            handlers[static_cast<FrameType>(handler.key)] = std::move(handler.object);
        }
        for (auto& interceptor : registered.all<Interceptor>()) {
            interceptors.push_back(std::move(interceptor.object));
        }
        for (auto& handler : registered.all<EnvelopeHandler>()) {
            envelope_handlers[handler.key] = std::move(handler.object);
        }
        if (auto value = registered.one<Transport>()) {
            transport = std::move(value);
        }
        if (auto value = registered.one<Store>()) {
            store = std::move(value);
        }
        if (auto value = registered.one<Registry>()) {
            registry = std::move(value);
        }
        if (auto value = registered.one<MessageLog>()) {
            message_log = std::move(value);
        }
    }

  private:
    // First, so the plugins' code stays loaded until their objects and handlers are gone.
    host::PluginLoader loader{host::default_plugin_paths()};

  public:
    std::string node = "node-test";
    asio::io_context io;
    std::map<FrameType, std::shared_ptr<Handler>> handlers;
    std::vector<std::shared_ptr<Interceptor>> interceptors;
    std::map<std::uint32_t, std::shared_ptr<EnvelopeHandler>> envelope_handlers;
    std::shared_ptr<Transport> transport;
    std::shared_ptr<Store> store;
    std::shared_ptr<Registry> registry;
    std::shared_ptr<MessageLog> message_log;
};

/// Loads parley-<kind>-<name>.so with `yaml` as its settings and returns the ConfigError it
/// refused them with, or "(accepted)".
inline std::string load_error(const std::string& kind, const std::string& name,
                              std::string_view yaml) {
    PluginTestHost host;
    try {
        host.load(kind, name, yaml);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "(accepted)";
}

}  // namespace parley::test

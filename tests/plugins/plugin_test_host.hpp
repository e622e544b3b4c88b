#pragma once
// A PluginHost that keeps what plugins register, and a loader around it, so a test can load a
// built plugin exactly as parleyd does and then call the objects it registered.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include <parley/config_node.hpp>
#include <parley/host/plugin_loader.hpp>
#include <parley/plugin.hpp>

namespace parley::test {

class PluginTestHost final : public PluginHost {
  public:
    void add_handler(FrameType type, std::shared_ptr<Handler> handler) override {
        handlers[type] = std::move(handler);
    }
    void add_interceptor(std::shared_ptr<Interceptor> interceptor) override {
        interceptors.push_back(std::move(interceptor));
    }
    void set_transport(std::shared_ptr<Transport> value) override { transport = std::move(value); }
    void set_store(std::shared_ptr<Store> value) override { store = std::move(value); }
    void set_registry(std::shared_ptr<Registry> value) override { registry = std::move(value); }
    asio::any_io_executor executor() override { return io.get_executor(); }
    const std::string& node_id() const override { return node; }

    /// Loads parley-<kind>-<name>.so from the default plugin paths (the build's plugin
    /// directory, beside the test's bin directory) with `yaml` as its settings.
    void load(const std::string& kind, const std::string& name, std::string_view yaml = {}) {
        host::PluginRequest request;
        request.kind = kind;
        request.name = name;
        if (!yaml.empty()) {
            request.settings = ConfigNode::parse_string(yaml, "test.yaml");
        }
        loader.load(request, *this);
    }

  private:
    // First, so the plugins' code stays loaded until their objects and handlers are gone.
    host::PluginLoader loader{host::default_plugin_paths()};

  public:
    std::string node = "node-test";
    asio::io_context io;
    std::map<FrameType, std::shared_ptr<Handler>> handlers;
    std::vector<std::shared_ptr<Interceptor>> interceptors;
    std::shared_ptr<Transport> transport;
    std::shared_ptr<Store> store;
    std::shared_ptr<Registry> registry;
};

}  // namespace parley::test

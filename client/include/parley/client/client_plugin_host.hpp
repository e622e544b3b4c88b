#pragma once

#include <memory>
#include <string>

#include <parley/plugin.hpp>

namespace parley::client {

/// The PluginHost a client offers: it takes a registry and nothing else, so a client
/// configuration that names, say, a transport plugin fails at start-up with a clear message
/// instead of half-working. Used on the main thread while plugins load.
class ClientPluginHost final : public PluginHost {
  public:
    /// `executor`: the client's loop, lent to the registry for its own I/O.
    /// `node_id`: how the client names itself to plugins.
    ClientPluginHost(asio::any_io_executor executor, std::string node_id);
    ~ClientPluginHost() override;

    void set_registry(std::shared_ptr<Registry> registry) override;
    /// These throw host::PluginError: a client hosts registry plugins only.
    void add_handler(FrameType type, std::shared_ptr<Handler> handler) override;
    void add_interceptor(std::shared_ptr<Interceptor> interceptor) override;
    void set_transport(std::shared_ptr<Transport> transport) override;
    void set_store(std::shared_ptr<Store> store) override;

    asio::any_io_executor executor() override { return executor_; }
    const std::string& node_id() const override { return node_id_; }

    /// The registry a plugin set, or nullptr; hands it over.
    std::shared_ptr<Registry> take_registry() noexcept { return std::move(registry_); }

  private:
    [[noreturn]] static void refuse(const char* what);

    asio::any_io_executor executor_;
    std::string node_id_;
    std::shared_ptr<Registry> registry_;
};

}  // namespace parley::client

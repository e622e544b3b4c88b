#pragma once

#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include <parley/plugin.hpp>

#include "dispatch/dispatcher.hpp"

namespace parley {

/// The broker's side of the plugin boundary: collects what each plugin registers, checks that a
/// plugin registers only what its kind allows, and refuses duplicates naming both plugins.
class BrokerHost final : public PluginHost {
  public:
    BrokerHost(dispatch::Dispatcher& dispatcher, boost::asio::io_context& backend_context,
               std::string node_id);

    /// Names the plugin whose setup runs next, for checks and messages.
    void begin(const std::string& kind, const std::string& name);

    void add_handler(FrameType type, std::shared_ptr<Handler> handler) override;
    void add_interceptor(std::shared_ptr<Interceptor> interceptor) override;
    void set_transport(std::shared_ptr<Transport> transport) override;
    void set_store(std::shared_ptr<Store> store) override;
    void set_registry(std::shared_ptr<Registry> registry) override;
    asio::any_io_executor executor() override { return backend_context_.get_executor(); }
    const std::string& node_id() const override { return node_id_; }

    std::shared_ptr<Transport> transport;
    std::shared_ptr<Store> store;
    std::shared_ptr<Registry> registry;

  private:
    void expect_kind(const std::string& kind, const char* what) const;
    std::string current() const { return current_kind_ + " plugin '" + current_name_ + "'"; }

    dispatch::Dispatcher& dispatcher_;
    boost::asio::io_context& backend_context_;
    std::string node_id_;
    std::string current_kind_;
    std::string current_name_;
};

}  // namespace parley

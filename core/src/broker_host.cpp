#include "broker_host.hpp"

#include <stdexcept>

namespace parley {

BrokerHost::BrokerHost(dispatch::Dispatcher& dispatcher, boost::asio::io_context& backend_context,
                       std::string node_id)
    : dispatcher_(dispatcher), backend_context_(backend_context), node_id_(std::move(node_id)) {}

void BrokerHost::begin(const std::string& kind, const std::string& name) {
    current_kind_ = kind;
    current_name_ = name;
}

void BrokerHost::expect_kind(const std::string& kind, const char* what) const {
    if (current_kind_ != kind) {
        throw std::invalid_argument(current() + " tried to register " + what + ", which only a " +
                                    kind + " plugin may do");
    }
}

void BrokerHost::add_handler(FrameType type, std::shared_ptr<Handler> handler) {
    expect_kind("handler", "a handler");
    dispatcher_.handlers().add(type, std::move(handler), current());
}

void BrokerHost::add_interceptor(std::shared_ptr<Interceptor> interceptor) {
    expect_kind("interceptor", "an interceptor");
    dispatcher_.add_interceptor(std::move(interceptor));
}

void BrokerHost::set_transport(std::shared_ptr<Transport> value) {
    expect_kind("transport", "a transport");
    if (transport) {
        throw std::invalid_argument(current() + " registered a second transport");
    }
    transport = std::move(value);
}

void BrokerHost::set_store(std::shared_ptr<Store> value) {
    expect_kind("store", "a store");
    if (store) {
        throw std::invalid_argument(current() + " registered a second store");
    }
    store = std::move(value);
}

void BrokerHost::set_registry(std::shared_ptr<Registry> value) {
    expect_kind("registry", "a registry");
    if (registry) {
        throw std::invalid_argument(current() + " registered a second registry");
    }
    registry = std::move(value);
}

}  // namespace parley

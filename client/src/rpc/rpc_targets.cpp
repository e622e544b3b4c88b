#include <map>
#include <mutex>
#include <stdexcept>

#include <parley/client/endpoint.hpp>
#include <parley/client/rpc_channel.hpp>

namespace parley::client {

RpcTargets::~RpcTargets() = default;

namespace {

/// Lists a service once, then follows the registry's watch on it.
class RegistryTargets final : public RpcTargets,
                              public std::enable_shared_from_this<RegistryTargets> {
  public:
    explicit RegistryTargets(std::shared_ptr<Registry> registry) : registry_(std::move(registry)) {}

    asio::awaitable<std::vector<ServiceInstance>> instances(std::string service) override {
        {
            std::lock_guard lock(mutex_);
            if (auto found = known_.find(service); found != known_.end()) {
                co_return found->second.instances;
            }
        }
        std::vector<ServiceInstance> listed = co_await registry_->instances(service);
        bool subscribe = false;
        {
            std::lock_guard lock(mutex_);
            Known& known = known_[service];
            if (!known.watching) {
                known.watching = true;
                known.instances = listed;
                subscribe = true;
            }
        }
        if (subscribe) {
            // Not under mutex_: a registry may call on_change from inside watch() (static does),
            // and on_change takes mutex_.
            Subscription watch = registry_->watch(
                service, [weak = weak_from_this(), service](std::vector<ServiceInstance> now) {
                    if (auto self = weak.lock()) {
                        std::lock_guard inner(self->mutex_);
                        self->known_[service].instances = std::move(now);
                    }
                });
            std::lock_guard lock(mutex_);
            known_[service].watch = std::move(watch);
        }
        co_return listed;
    }

  private:
    struct Known {
        std::vector<ServiceInstance> instances;
        bool watching = false;  ///< set by the one call that subscribes
        Subscription watch;
    };
    std::shared_ptr<Registry> registry_;
    std::mutex mutex_;
    std::map<std::string, Known> known_;
};

class FixedTargets final : public RpcTargets {
  public:
    explicit FixedTargets(const std::vector<std::string>& endpoints) {
        if (endpoints.empty()) {
            throw std::invalid_argument("no RPC endpoint given");
        }
        for (const auto& text : endpoints) {
            if (auto problem = service_endpoint_problem(text); !problem.empty()) {
                std::string message = "bad RPC endpoint '" + text;
                message += "': ";
                message += problem;
                throw std::invalid_argument(message);
            }
            const ServiceEndpoint endpoint = parse_service_endpoint(text);
            if (endpoint.scheme != "tcp") {
                throw std::invalid_argument("bad RPC endpoint '" + text +
                                            "': RPC listeners speak tcp://");
            }
            instances_.push_back(ServiceInstance{{}, text, {endpoint.to_string()}, 0, {}});
        }
    }

    asio::awaitable<std::vector<ServiceInstance>> instances(std::string service) override {
        std::vector<ServiceInstance> out = instances_;
        for (auto& instance : out) {
            instance.service = service;
        }
        co_return out;
    }

  private:
    std::vector<ServiceInstance> instances_;
};

}  // namespace

std::shared_ptr<RpcTargets> registry_targets(std::shared_ptr<Registry> registry) {
    return std::make_shared<RegistryTargets>(std::move(registry));
}

std::shared_ptr<RpcTargets> fixed_targets(const std::vector<std::string>& endpoints) {
    return std::make_shared<FixedTargets>(endpoints);
}

}  // namespace parley::client

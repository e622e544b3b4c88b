#include "static_registry.hpp"

#include <algorithm>
#include <utility>

namespace parley::plugins::static_registry {

namespace {

auto find_instance(std::vector<ServiceInstance>& instances, const std::string& id) {
    return std::find_if(instances.begin(), instances.end(),
                        [&id](const ServiceInstance& instance) { return instance.id == id; });
}

}  // namespace

StaticRegistry::StaticRegistry(std::map<std::string, std::vector<ServiceInstance>> services)
    : services_(std::move(services)) {}

asio::awaitable<void> StaticRegistry::announce(ServiceInstance self) {
    const std::string service = self.service;
    {
        std::lock_guard lock(mutex_);
        auto& list = services_[service];
        if (auto it = announced_.find(service); it != announced_.end() && it->second != self.id) {
            // One instance per service and process: announcing another id replaces it.
            if (auto old = find_instance(list, it->second); old != list.end()) {
                list.erase(old);
            }
        }
        announced_[service] = self.id;
        if (auto it = find_instance(list, self.id); it == list.end()) {
            list.push_back(std::move(self));
        } else {
            if (!self.endpoints.empty()) {
                it->endpoints = std::move(self.endpoints);
            }
            if (!self.metadata.empty()) {
                it->metadata = std::move(self.metadata);
            }
            it->load = self.load;
        }
    }
    notify(service);
    co_return;
}

void StaticRegistry::report_load(const std::string& service, std::uint32_t load) {
    bool changed = false;
    {
        std::lock_guard lock(mutex_);
        const auto announced = announced_.find(service);
        if (announced == announced_.end()) {
            return;
        }
        auto& list = services_[service];
        if (auto it = find_instance(list, announced->second);
            it != list.end() && it->load != load) {
            it->load = load;
            changed = true;
        }
    }
    if (changed) {
        notify(service);
    }
}

asio::awaitable<std::vector<ServiceInstance>> StaticRegistry::instances(std::string service) {
    std::vector<ServiceInstance> copy;
    {
        std::lock_guard lock(mutex_);
        if (auto it = services_.find(service); it != services_.end()) {
            copy = it->second;
        }
    }
    co_return copy;
}

Subscription StaticRegistry::watch(std::string service,
                                   std::function<void(std::vector<ServiceInstance>)> on_change) {
    auto watch = std::make_shared<ServiceWatch>(service, std::move(on_change));
    // Holding notify_mutex_ keeps a concurrent change from notifying before this first call.
    std::lock_guard notifying(notify_mutex_);
    std::vector<ServiceInstance> current;
    {
        std::lock_guard lock(mutex_);
        watches_.push_back(watch);
        if (auto it = services_.find(service); it != services_.end()) {
            current = it->second;
        }
    }
    auto subscription = ServiceWatch::subscription(watch);
    watch->call(std::move(current));
    return subscription;
}

asio::awaitable<void> StaticRegistry::withdraw() {
    std::vector<std::string> changed;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [service, id] : announced_) {
            auto& list = services_[service];
            if (auto it = find_instance(list, id); it != list.end()) {
                list.erase(it);
                changed.push_back(service);
            }
        }
        announced_.clear();
    }
    for (const auto& service : changed) {
        notify(service);
    }
    co_return;
}

void StaticRegistry::notify(const std::string& service) {
    std::lock_guard notifying(notify_mutex_);
    std::vector<ServiceInstance> current;
    std::vector<std::shared_ptr<ServiceWatch>> watches;
    {
        std::lock_guard lock(mutex_);
        std::erase_if(watches_, [](const auto& watch) { return watch->cancelled(); });
        current = services_[service];
        watches = watches_;  // a callback may add a watch while we iterate
    }
    for (const auto& watch : watches) {
        if (watch->service() == service) {
            watch->call(current);
        }
    }
}

}  // namespace parley::plugins::static_registry

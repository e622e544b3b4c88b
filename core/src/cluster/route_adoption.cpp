#include "cluster/route_adoption.hpp"

#include <spdlog/spdlog.h>

namespace parley::cluster {

RouteAdoption::RouteAdoption(std::string self, std::shared_ptr<Transport> transport)
    : self_(std::move(self)), transport_(std::move(transport)) {}

void RouteAdoption::on_nodes(const std::vector<ServiceInstance>& nodes) {
    std::set<std::string> live;
    for (const auto& node : nodes) {
        live.insert(node.id);
    }
    // Under the lock: two watch calls racing must not adopt or release out of order.
    const std::scoped_lock lock(mutex_);
    if (stopped_) {
        return;
    }
    for (const auto& id : live) {
        seen_.insert(id);
        if (adopted_.erase(id) > 0) {
            spdlog::info("node '{}' is back; its route is its own again", id);
            transport_->release_route(id);
        }
    }
    for (const auto& id : seen_) {
        if (id != self_ && !live.contains(id) && adopted_.insert(id).second) {
            spdlog::info("node '{}' left; consuming what is left on its route", id);
            transport_->adopt_route(id);
        }
    }
}

void RouteAdoption::stop() {
    const std::scoped_lock lock(mutex_);
    stopped_ = true;
}

std::set<std::string> RouteAdoption::adopted() const {
    const std::scoped_lock lock(mutex_);
    return adopted_;
}

}  // namespace parley::cluster

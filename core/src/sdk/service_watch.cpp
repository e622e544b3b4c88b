#include <utility>

#include <parley/service_watch.hpp>

namespace parley {

ServiceWatch::ServiceWatch(std::string service, Callback on_change)
    : service_(std::move(service)), on_change_(std::move(on_change)) {}

bool ServiceWatch::call(std::vector<ServiceInstance> instances) {
    std::lock_guard lock(calling_);
    if (cancelled_) {
        return false;
    }
    on_change_(std::move(instances));
    return !cancelled_;
}

void ServiceWatch::cancel() {
    std::lock_guard lock(calling_);
    cancelled_ = true;
}

Subscription ServiceWatch::subscription(const std::shared_ptr<ServiceWatch>& watch) {
    return Subscription([watch] { watch->cancel(); });
}

}  // namespace parley

#include "static_registry.hpp"

#include <algorithm>
#include <utility>

namespace parley::plugins::static_registry {

namespace {

auto find_node(std::vector<NodeInfo>& nodes, const std::string& id) {
    return std::find_if(nodes.begin(), nodes.end(),
                        [&id](const NodeInfo& node) { return node.id == id; });
}

}  // namespace

StaticRegistry::StaticRegistry(std::vector<NodeInfo> nodes) : nodes_(std::move(nodes)) {}

asio::awaitable<void> StaticRegistry::announce(NodeInfo self) {
    {
        std::lock_guard lock(mutex_);
        self_id_ = self.id;
        if (auto it = find_node(nodes_, self.id); it == nodes_.end()) {
            nodes_.push_back(std::move(self));
        } else {
            if (!self.endpoints.empty()) {
                it->endpoints = std::move(self.endpoints);
            }
            it->load = self.load;
        }
    }
    notify_all();
    co_return;
}

void StaticRegistry::report_load(std::uint32_t load) {
    bool changed = false;
    {
        std::lock_guard lock(mutex_);
        if (!self_id_) {
            return;
        }
        if (auto it = find_node(nodes_, *self_id_); it != nodes_.end() && it->load != load) {
            it->load = load;
            changed = true;
        }
    }
    if (changed) {
        notify_all();
    }
}

asio::awaitable<std::vector<NodeInfo>> StaticRegistry::nodes() {
    std::vector<NodeInfo> copy;
    {
        std::lock_guard lock(mutex_);
        copy = nodes_;
    }
    co_return copy;
}

void StaticRegistry::watch(std::function<void(std::vector<NodeInfo>)> on_change) {
    auto watcher = std::make_shared<const Watcher>(std::move(on_change));
    // Holding notify_mutex_ keeps a concurrent change from notifying before this first call.
    std::lock_guard notifying(notify_mutex_);
    std::vector<NodeInfo> current;
    {
        std::lock_guard lock(mutex_);
        watchers_.push_back(watcher);
        current = nodes_;
    }
    (*watcher)(std::move(current));
}

asio::awaitable<void> StaticRegistry::withdraw() {
    bool changed = false;
    {
        std::lock_guard lock(mutex_);
        if (self_id_) {
            if (auto it = find_node(nodes_, *self_id_); it != nodes_.end()) {
                nodes_.erase(it);
                changed = true;
            }
            self_id_.reset();
        }
    }
    if (changed) {
        notify_all();
    }
    co_return;
}

void StaticRegistry::notify_all() {
    std::lock_guard notifying(notify_mutex_);
    std::vector<NodeInfo> current;
    std::vector<std::shared_ptr<const Watcher>> watchers;
    {
        std::lock_guard lock(mutex_);
        current = nodes_;
        watchers = watchers_;  // a callback may add a watcher while we iterate
    }
    for (const auto& watcher : watchers) {
        (*watcher)(current);
    }
}

}  // namespace parley::plugins::static_registry

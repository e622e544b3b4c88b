#include <algorithm>

#include <parley/client/consistent_hash_picker.hpp>

namespace parley::client {

const ServiceInstance& ConsistentHashPicker::choose(
    const std::vector<const ServiceInstance*>& candidates, UserId user) {
    std::vector<std::string> ids;
    ids.reserve(candidates.size());
    for (const ServiceInstance* node : candidates) {
        ids.push_back(node->id);
    }
    std::sort(ids.begin(), ids.end());  // the ring depends on the set, not the listing order
    if (!ring_ || ring_->nodes() != ids) {
        ring_.emplace(std::move(ids), virtual_nodes_);
    }
    const std::string& owner = *ring_->node_for(user);
    return **std::find_if(candidates.begin(), candidates.end(),
                          [&owner](const ServiceInstance* node) { return node->id == owner; });
}

}  // namespace parley::client

#include <algorithm>

#include <parley/client/hash_ring.hpp>

namespace parley::client {

std::uint64_t HashRing::hash_key(std::uint64_t key) noexcept {
    // splitmix64's finaliser: a bijection with good avalanche, so nearby keys land far apart.
    key += 0x9e3779b97f4a7c15ULL;
    key = (key ^ (key >> 30)) * 0xbf58476d1ce4e5b9ULL;
    key = (key ^ (key >> 27)) * 0x94d049bb133111ebULL;
    return key ^ (key >> 31);
}

std::uint64_t HashRing::hash_point(std::string_view node_id, int replica) noexcept {
    std::uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a 64 over "<id>#<replica>"
    const auto mix = [&hash](unsigned char byte) {
        hash ^= byte;
        hash *= 0x100000001b3ULL;
    };
    for (char c : node_id) {
        mix(static_cast<unsigned char>(c));
    }
    mix('#');
    for (char c : std::to_string(replica)) {
        mix(static_cast<unsigned char>(c));
    }
    return hash_key(hash);  // FNV alone clusters similar names; mixing spreads the points
}

HashRing::HashRing(std::vector<std::string> node_ids, int virtual_nodes)
    : nodes_(std::move(node_ids)) {
    points_.reserve(nodes_.size() * static_cast<std::size_t>(std::max(virtual_nodes, 1)));
    for (std::size_t index = 0; index < nodes_.size(); ++index) {
        for (int replica = 0; replica < std::max(virtual_nodes, 1); ++replica) {
            points_.emplace_back(hash_point(nodes_[index], replica), index);
        }
    }
    // Sorting by (hash, id) rather than (hash, index) keeps a collision's winner independent of
    // the order the registry listed the nodes in.
    std::sort(points_.begin(), points_.end(), [this](const auto& a, const auto& b) {
        return a.first != b.first ? a.first < b.first : nodes_[a.second] < nodes_[b.second];
    });
}

const std::string* HashRing::node_for(std::uint64_t key) const {
    if (points_.empty()) {
        return nullptr;
    }
    const std::uint64_t point = hash_key(key);
    auto it = std::lower_bound(
        points_.begin(), points_.end(), point,
        [](const auto& entry, std::uint64_t value) { return entry.first < value; });
    if (it == points_.end()) {
        it = points_.begin();  // past the last point: wrap around the circle
    }
    return &nodes_[it->second];
}

}  // namespace parley::client

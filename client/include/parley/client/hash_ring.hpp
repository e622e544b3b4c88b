#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parley::client {

/// A consistent-hash ring: each node owns `virtual_nodes` points on a 64-bit circle, and a key
/// belongs to the first point at or after its hash. Removing one of N nodes moves only the keys
/// that node owned (about 1/N of them); the rest stay where they were.
///
/// The hashes are spelled out (FNV-1a and the splitmix64 finaliser, not std::hash), so every
/// client build maps a user to the same node. Immutable once built; safe to share.
class HashRing {
  public:
    static constexpr int kDefaultVirtualNodes = 160;

    explicit HashRing(std::vector<std::string> node_ids, int virtual_nodes = kDefaultVirtualNodes);

    /// The node owning `key`, or nullptr when the ring is empty.
    const std::string* node_for(std::uint64_t key) const;

    const std::vector<std::string>& nodes() const noexcept { return nodes_; }

    /// The point of a key on the ring: a mixing function, so consecutive user ids spread out.
    static std::uint64_t hash_key(std::uint64_t key) noexcept;
    /// The point of a node's `replica`-th virtual node.
    static std::uint64_t hash_point(std::string_view node_id, int replica) noexcept;

  private:
    std::vector<std::string> nodes_;
    std::vector<std::pair<std::uint64_t, std::size_t>> points_;  ///< (hash, node index), sorted
};

}  // namespace parley::client

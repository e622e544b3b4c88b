#pragma once

#include <array>
#include <memory>
#include <shared_mutex>
#include <unordered_map>

#include <parley/session.hpp>
#include <parley/types.hpp>

namespace parley::cluster {

/// Who is logged in on this node: user -> session. Holds weak handles (sessions own
/// themselves). Sharded so that lookups from many loops do not queue behind one lock.
/// Thread safe.
class LocalDirectory {
  public:
    /// Makes `session` the user's session here, replacing any earlier one.
    void insert(UserId user, const SessionPtr& session);
    /// Forgets the user's entry only if it is still `session`: a replaced session closing late
    /// must not remove its successor.
    void erase(UserId user, const Session* session);
    /// The user's live session on this node, or nullptr.
    SessionPtr find(UserId user) const;
    std::size_t size() const noexcept;

  private:
    static constexpr std::size_t kShards = 64;
    struct Shard {
        mutable std::shared_mutex mutex;
        std::unordered_map<UserId, std::weak_ptr<Session>> sessions;
    };
    Shard& shard(UserId user) noexcept { return shards_[user % kShards]; }
    const Shard& shard(UserId user) const noexcept { return shards_[user % kShards]; }

    std::array<Shard, kShards> shards_;
};

}  // namespace parley::cluster

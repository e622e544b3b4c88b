#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <thread>

#include <boost/unordered/unordered_flat_map.hpp>

#include <parley/session.hpp>
#include <parley/types.hpp>

namespace parley::cluster {

/// Who is logged in on this node: user -> session. Holds weak handles (sessions own
/// themselves). Thread safe.
///
/// Every private message looks a user up here, from any loop, so the lookup is kept short:
/// 256 shards, each on its own cache line (no false sharing between loops), an open-addressing
/// table (one probe, no node to chase; about 40 bytes per user instead of a list node), and a
/// spin lock held only for the probe and the weak-to-strong handle.
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
    /// Calls `visit(user, session)` for every live session here, one shard at a time with that
    /// shard locked: `visit` must be short and must not call back into the directory.
    template <typename Visit>
    void for_each(Visit&& visit) const {
        for (const auto& s : shards_) {
            const std::lock_guard guard(s.lock);
            for (const auto& [user, weak] : s.sessions) {
                if (SessionPtr session = weak.lock()) {
                    visit(user, std::move(session));
                }
            }
        }
    }

  private:
    /// For critical sections of a few dozen instructions: one atomic exchange to take, one
    /// store to release, where a std::mutex costs two library calls. Yields after a short spin,
    /// so a holder that lost its CPU is not starved.
    class SpinLock {
      public:
        void lock() noexcept {
            while (locked_.exchange(true, std::memory_order_acquire)) {
                for (int spins = 0; locked_.load(std::memory_order_relaxed); ++spins) {
                    if (spins == 100) {
                        std::this_thread::yield();
                        spins = 0;
                    }
                }
            }
        }
        void unlock() noexcept { locked_.store(false, std::memory_order_release); }

      private:
        std::atomic<bool> locked_{false};
    };

    static constexpr std::size_t kShards = 256;
    struct alignas(64) Shard {
        mutable SpinLock lock;
        boost::unordered_flat_map<UserId, std::weak_ptr<Session>> sessions;
    };
    // User ids are often dense: the low bits spread them evenly.
    Shard& shard(UserId user) noexcept { return shards_[user % kShards]; }
    const Shard& shard(UserId user) const noexcept { return shards_[user % kShards]; }

    std::array<Shard, kShards> shards_;
};

}  // namespace parley::cluster

#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include <parley/types.hpp>

#include "redis_pool.hpp"
#include "session_keys.hpp"

namespace parley::plugins::redis {

/// Keeps this node's session records alive. Records expire `session_ttl` after they were last
/// written, so the users of a node that dies without cleaning up go offline by themselves; a
/// live node rewrites the deadline of every record it holds once per round of ttl/3, with
/// refresh scripts of up to 256 records each. The same scripts re-create records Redis lost (it
/// restarted without persistence, or the node was cut off longer than the TTL) but leave alone a
/// user another session has claimed since, and that session is forgotten here.
///
/// A round is sent in kSlicesPerRound slices, one per tick, in user order, rather than all at
/// once: every refresh is a change of the record that each node caching the user's location
/// hears of and forgets it by, so a node's whole population refreshed at one instant would make
/// every other node look all of them up again at that instant. The last slice of a round takes
/// whatever the earlier ones left, so each record held when a round began is refreshed within
/// it; one claimed during a round, written with a whole TTL, waits at most for the next round.
/// After a reconnection every record is refreshed at once (refresh_soon), and at the next tick
/// after a refresh failed.
///
/// hold()/drop() are called from any thread when a claim is granted and a session released.
/// The held set, the round and the timer have their own mutex, never held while calling the
/// pool.
class SessionRefresher : public std::enable_shared_from_this<SessionRefresher> {
  public:
    SessionRefresher(std::shared_ptr<RedisPool> pool, const asio::any_io_executor& executor,
                     SessionKeys keys, std::string node_id, std::chrono::milliseconds ttl);

    void start();
    /// No refresh starts afterwards. Any thread.
    void stop();
    void hold(UserId user, std::uint64_t epoch);
    void drop(UserId user, std::uint64_t epoch);
    /// Refreshes every record now, on the strand, rather than in the round's slices.
    void refresh_soon();

    static constexpr std::size_t kRecordsPerScript = 256;
    static constexpr std::size_t kSlicesPerRound = 10;

  private:
    struct Held {
        UserId user;
        std::uint64_t epoch;
        /// By user, the newest epoch first: when Redis lost a record that two of this node's
        /// sessions claimed in turn, the newer one is re-created.
        bool operator<(const Held& other) const noexcept {
            return user != other.user ? user < other.user : epoch > other.epoch;
        }
    };

    using HeldSet = std::set<Held>;

    /// Time between two slices: a round (ttl/3) over kSlicesPerRound.
    std::chrono::milliseconds tick() const {
        return ttl_ / (3 * static_cast<int>(kSlicesPerRound));
    }
    void arm_timer();
    /// The round's next slice.
    void refresh_slice();
    void refresh_all();
    /// Scripts refreshing up to `count` records from `from`, in order; `last` is the last one.
    std::vector<PendingCommand> scripts_for(HeldSet::const_iterator from, std::size_t count,
                                            std::optional<Held>& last) const;
    void send(std::vector<PendingCommand> batch);
    void refresh_failed(const RedisReply& reply);
    /// Forgets the sessions the refresh found another session had claimed since (`lost`).
    void refresh_succeeded(const RedisReply& lost);

    std::shared_ptr<RedisPool> pool_;
    SessionKeys keys_;
    std::string node_id_;
    std::chrono::milliseconds ttl_;

    std::mutex mutex_;
    HeldSet held_;
    std::size_t round_size_ = 0;   ///< records held when the round began
    std::size_t slices_sent_ = 0;  ///< of the round
    std::optional<Held> cursor_;   ///< the last record the round refreshed
    bool retry_all_ = false;       ///< a refresh failed: the next tick refreshes every record
    bool refused_ = false;         ///< Redis answered a refresh with an error, logged once
    asio::steady_timer timer_;
    bool stopped_ = false;
};

}  // namespace parley::plugins::redis

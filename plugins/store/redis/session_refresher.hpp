#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include <boost/asio/steady_timer.hpp>

#include <parley/types.hpp>

#include "redis_pool.hpp"
#include "session_keys.hpp"

namespace parley::plugins::redis {

/// Keeps this node's session records alive. Records expire `session_ttl` after they were last
/// written, so the users of a node that dies without cleaning up go offline by themselves; a
/// live node rewrites the deadline of every record it holds every ttl/3, in one pipelined
/// batch of refresh scripts (256 records per script). The same scripts re-create records Redis
/// lost (it restarted without persistence, or the node was cut off longer than the TTL) but
/// leave alone a user another session has claimed since, and that session is forgotten here.
/// A refresh also runs as soon as a connection is ready again.
///
/// hold()/drop() are called from any thread when a claim is granted and a session released.
/// The held set and the timer have their own mutex, never held while calling the pool.
class SessionRefresher : public std::enable_shared_from_this<SessionRefresher> {
  public:
    SessionRefresher(std::shared_ptr<RedisPool> pool, const asio::any_io_executor& executor,
                     SessionKeys keys, std::string node_id, std::chrono::milliseconds ttl);

    void start();
    /// No refresh starts afterwards. Any thread.
    void stop();
    void hold(UserId user, std::uint64_t epoch);
    void drop(UserId user, std::uint64_t epoch);
    /// Refreshes now rather than at the next tick, on the strand.
    void refresh_soon();

    static constexpr std::size_t kRecordsPerScript = 256;

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

    void arm_timer();
    void refresh();
    void forget_lost(const RedisReply& lost);

    std::shared_ptr<RedisPool> pool_;
    SessionKeys keys_;
    std::string node_id_;
    std::chrono::milliseconds ttl_;

    std::mutex mutex_;
    std::set<Held> held_;
    asio::steady_timer timer_;
    bool stopped_ = false;
};

}  // namespace parley::plugins::redis

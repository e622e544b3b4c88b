#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <parley/metrics.hpp>
#include <parley/store.hpp>

#include "locate_cache.hpp"
#include "redis_pool.hpp"
#include "redis_settings.hpp"
#include "session_invalidations.hpp"
#include "session_keys.hpp"
#include "session_refresher.hpp"

namespace parley::plugins::redis {

/// The Store of a cluster, in Redis, shared by every node: session records user -> {node,
/// epoch} that expire unless their node refreshes them, a paged online list that leaves out
/// expired records, and group membership (which never expires). docs/plugins/store-redis.md
/// describes the keys and the failure behaviour.
///
/// Thread safe: every call may come from any event loop at once. Each runs its Redis command on
/// the plugin's strand (over the host's executor) and resumes the caller on the caller's own
/// executor; none blocks. Failures throw Error(backend_unavailable) naming the address. The
/// destructor stops everything synchronously, from any thread, even with the host's loop
/// stopped: calls still in flight fail, no callback runs afterwards.
class RedisStore final : public Store {
  public:
    RedisStore(const asio::any_io_executor& executor, RedisSettings settings, std::string node_id);
    ~RedisStore() override;
    RedisStore(const RedisStore&) = delete;
    RedisStore& operator=(const RedisStore&) = delete;

    asio::awaitable<ClaimResult> claim(SessionRecord record, DuplicateLoginPolicy policy) override;
    asio::awaitable<ClaimResult> take_over(SessionRecord record, SessionRecord holder) override;
    asio::awaitable<void> release(UserId user, std::uint64_t epoch) override;
    /// From the node's cache of locations when it knows the user (see LocateCache), otherwise
    /// HMGET, with PTTL in the same round trip while the cache keeps answers.
    asio::awaitable<std::optional<SessionRecord>> locate(UserId user) override;
    /// Online users with id >= `cursor`, ascending, at most `limit` (0 means 100); users of a
    /// node that stopped refreshing drop out once their records expire.
    asio::awaitable<OnlinePage> online(std::uint64_t cursor, std::uint32_t limit) override;

    asio::awaitable<void> join_group(GroupId group, UserId user) override;
    asio::awaitable<bool> leave_group(GroupId group, UserId user) override;
    asio::awaitable<bool> is_member(GroupId group, UserId user) override;
    /// Ascending user ids.
    asio::awaitable<std::vector<UserId>> group_members(GroupId group) override;
    /// One script: the members' session records, read in Redis.
    asio::awaitable<std::optional<std::vector<std::string>>> group_nodes(
        GroupId group, std::uint32_t max_members) override;
    /// A PING through the pool: fails at once while no connection is up.
    asio::awaitable<void> check_ready() override;

    static constexpr std::uint32_t kDefaultPageSize = 100;

  private:
    /// The claim script in `mode` ("reject", "kick_old" or "take_over" from `holder`).
    asio::awaitable<ClaimResult> run_claim(SessionRecord record, std::string mode,
                                           SessionRecord holder);
    /// Runs `command` and returns its reply, throwing for a Redis error reply.
    asio::awaitable<RedisReply> run(RedisCommand command, const char* what);
    [[noreturn]] void unexpected(const char* what) const;
    /// `reply`, unless it is an error reply: then Error(backend_unavailable) naming `what`.
    const RedisReply& checked(const RedisReply& reply, const char* what) const;
    /// The user's record from Redis's reply to HMGET node epoch.
    std::optional<SessionRecord> parse_record(UserId user, const RedisReply& reply) const;

    SessionKeys keys_;
    std::string node_id_;
    std::chrono::milliseconds ttl_;
    std::shared_ptr<RedisPool> pool_;
    std::shared_ptr<SessionRefresher> refresher_;
    std::shared_ptr<LocateCache> locations_;
    std::shared_ptr<SessionInvalidations> invalidations_;  ///< null when the cache is off
    metrics::Counter& cache_hits_;
    metrics::Counter& cache_misses_;
};

}  // namespace parley::plugins::redis

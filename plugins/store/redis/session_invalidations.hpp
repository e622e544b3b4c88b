#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <parley/asio.hpp>

#include "locate_cache.hpp"
#include "redis_client_settings.hpp"
#include "redis_connection.hpp"
#include "script_cache.hpp"
#include "strand_lock.hpp"

namespace parley::plugins::redis {

/// What keeps a LocateCache sound: a Redis connection of its own on which the server reports
/// every change to a key under the session prefix (`CLIENT TRACKING on REDIRECT <own id> BCAST
/// PREFIX <prefix>`, Redis 6 and later), and which subscribes to those reports
/// (`__redis__:invalidate`). Each report drops the users it names from the cache; a flushed
/// database empties it. The cache serves only while the subscription stands: it is disabled
/// whenever the connection goes, and enabled again once it has subscribed anew. A server that
/// refuses tracking or the subscription (before Redis 6, or an ACL user without the CLIENT
/// command or the channel) leaves the cache off for good, with one warning.
///
/// start() and shutdown() from any thread; shutdown() is synchronous and must come before the
/// last reference goes.
class SessionInvalidations final : public std::enable_shared_from_this<SessionInvalidations>,
                                   private ConnectionEvents {
  public:
    static constexpr const char* kChannel = "__redis__:invalidate";

    SessionInvalidations(const asio::any_io_executor& executor, RedisClientSettings settings,
                         std::string session_prefix, std::shared_ptr<LocateCache> cache);
    ~SessionInvalidations() override;
    SessionInvalidations(const SessionInvalidations&) = delete;
    SessionInvalidations& operator=(const SessionInvalidations&) = delete;

    void start();
    void shutdown();

  private:
    void connection_ready(RedisConnection& connection) override;
    void connection_down(RedisConnection& connection, const std::string& reason,
                         bool unresponsive) override;
    /// Asks for reports to `client_id` (this connection), then subscribes.
    void track(std::uint64_t client_id);
    void subscribe();
    void on_message(const RedisReply& message);
    /// `command` was answered with an error: try again later, or give up.
    void refused(const char* command, const RedisReply& reply);
    /// Redis will not track: the cache stays off and the connection closes for good.
    void give_up(const std::string& why);

    std::shared_ptr<StrandLock> lock_;
    RedisClientSettings settings_;
    std::string prefix_;
    std::shared_ptr<LocateCache> cache_;
    ScriptCache no_scripts_{{}};
    std::shared_ptr<RedisConnection> connection_;
    bool closed_ = false;  ///< lock held
    /// Subscriptions in a row that ended before Redis confirmed them (lock held). Redis
    /// answers a SUBSCRIBE it refuses (an ACL without the channel) with an error, on which
    /// hiredis 0.14 drops the connection: without a count this would repeat for ever.
    int unconfirmed_ = 0;
    bool awaiting_confirmation_ = false;
};

}  // namespace parley::plugins::redis

#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <parley/handler.hpp>

#include "rate_limit_settings.hpp"

namespace parley::plugins::rate_limit {

/// A token bucket per user: each counted frame takes a token, tokens come back at
/// `messages_per_second` up to `burst`. A frame with no token left is refused with
/// rate_limited (4000) whose data says when the next token comes (`retry_after_ms=<n>`); the
/// session lives on. Before login (a HANDSHAKE, when counted) the bucket is the client's IP
/// address's. Thread safe: buckets are sharded by key.
class RateLimiter final : public Interceptor {
  public:
    using Clock = std::chrono::steady_clock;

    explicit RateLimiter(RateLimitSettings settings);

    std::optional<Error> inspect(const Session& session, const Frame& frame) override;
    /// The decision itself, with the time passed in, so it can be reasoned about alone.
    bool allow(UserId user, Clock::time_point now) { return !take_token(user, now); }
    /// The same for a client not logged in yet, by its address ("host:port"; the port is not
    /// part of the key).
    bool allow_address(const std::string& remote_address, Clock::time_point now) {
        return !take_token(address_key(remote_address), now);
    }

  private:
    struct Bucket {
        double tokens;
        Clock::time_point updated;
    };
    struct Shard {
        std::mutex mutex;
        std::unordered_map<std::uint64_t, Bucket> buckets;
        Clock::time_point last_sweep;
    };
    static constexpr std::size_t kShards = 16;

    void sweep(Shard& shard, Clock::time_point now);
    /// Users are keys below 2^32, addresses above.
    static std::uint64_t address_key(const std::string& remote_address);
    /// Takes a token of `key`'s bucket: nothing when there was one, else how long until the
    /// next one comes (at least 1 ms).
    std::optional<std::chrono::milliseconds> take_token(std::uint64_t key, Clock::time_point now);

    RateLimitSettings settings_;
    std::array<bool, 256> counted_{};
    std::array<Shard, kShards> shards_;
};

}  // namespace parley::plugins::rate_limit

#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <vector>

#include <parley/handler.hpp>

#include "rate_limit_settings.hpp"

namespace parley::plugins::rate_limit {

/// A token bucket per user: each counted frame takes a token, tokens come back at
/// `messages_per_second` up to `burst`. A frame with no token left is refused with
/// rate_limited (4000); the session lives on. Thread safe: buckets are sharded by user.
class RateLimiter final : public Interceptor {
  public:
    using Clock = std::chrono::steady_clock;

    explicit RateLimiter(RateLimitSettings settings);

    std::optional<Error> inspect(const Session& session, const Frame& frame) override;
    /// The decision itself, with the time passed in, so it can be reasoned about alone.
    bool allow(UserId user, Clock::time_point now);

  private:
    struct Bucket {
        double tokens;
        Clock::time_point updated;
    };
    struct Shard {
        std::mutex mutex;
        std::unordered_map<UserId, Bucket> buckets;
        Clock::time_point last_sweep;
    };
    static constexpr std::size_t kShards = 16;

    void sweep(Shard& shard, Clock::time_point now);

    RateLimitSettings settings_;
    std::array<bool, 256> counted_{};
    std::array<Shard, kShards> shards_;
};

}  // namespace parley::plugins::rate_limit

#include "rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

namespace parley::plugins::rate_limit {
namespace {

// A bucket untouched this long is full again anyway; forgetting it keeps memory bounded by the
// users active recently, not by every user ever seen.
constexpr auto kIdleBucket = std::chrono::seconds(60);

}  // namespace

RateLimiter::RateLimiter(RateLimitSettings settings) : settings_(std::move(settings)) {
    for (const std::uint8_t type : settings_.types) {
        counted_[type] = true;
    }
}

std::optional<Error> RateLimiter::inspect(const Session& session, const Frame& frame) {
    if (!counted_[frame.raw_type()]) {
        return std::nullopt;
    }
    std::optional<std::chrono::milliseconds> wait;
    if (session.user() == kNoUser) {
        // Only a HANDSHAKE gets this far before login: count it against the address, so a
        // guesser cannot try tokens faster than the rate on fresh connections.
        if (frame.type() != FrameType::handshake) {
            return std::nullopt;
        }
        wait = take_token(address_key(session.remote_address()), Clock::now());
    } else {
        wait = take_token(session.user(), Clock::now());
    }
    if (!wait) {
        return std::nullopt;
    }
    return retry_later(
        "more than " + std::to_string(settings_.messages_per_second) + " messages per second",
        *wait);
}

std::uint64_t RateLimiter::address_key(const std::string& remote_address) {
    const auto colon = remote_address.rfind(':');
    const std::string host = remote_address.substr(0, colon);
    return std::hash<std::string>{}(host) | (std::uint64_t{1} << 63);
}

std::optional<std::chrono::milliseconds> RateLimiter::take_token(std::uint64_t key,
                                                                 Clock::time_point now) {
    Shard& shard = shards_[key % kShards];
    const std::lock_guard lock(shard.mutex);
    sweep(shard, now);
    auto [it, fresh] = shard.buckets.try_emplace(key, Bucket{settings_.burst, now});
    Bucket& bucket = it->second;
    if (!fresh) {
        const std::chrono::duration<double> elapsed = now - bucket.updated;
        bucket.tokens = std::min(settings_.burst,
                                 bucket.tokens + elapsed.count() * settings_.messages_per_second);
        bucket.updated = now;
    }
    if (bucket.tokens < 1.0) {
        const double seconds = (1.0 - bucket.tokens) / settings_.messages_per_second;
        return std::chrono::milliseconds(
            std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(seconds * 1000.0))));
    }
    bucket.tokens -= 1.0;
    return std::nullopt;
}

void RateLimiter::sweep(Shard& shard, Clock::time_point now) {
    if (now - shard.last_sweep < kIdleBucket) {
        return;
    }
    shard.last_sweep = now;
    std::erase_if(shard.buckets,
                  [&](const auto& entry) { return now - entry.second.updated > kIdleBucket; });
}

}  // namespace parley::plugins::rate_limit

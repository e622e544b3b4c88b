#include "net/login_throttle.hpp"

#include <algorithm>
#include <cmath>

namespace parley::net {
namespace {

// A bucket untouched this long is full again anyway.
constexpr auto kIdleBucket = std::chrono::seconds(60);

}  // namespace

LoginThrottle::Bucket& LoginThrottle::refilled(Shard& shard, std::uint64_t address,
                                               Clock::time_point now) {
    if (now - shard.last_sweep >= kIdleBucket) {
        shard.last_sweep = now;
        std::erase_if(shard.buckets,
                      [&](const auto& entry) { return now - entry.second.updated > kIdleBucket; });
    }
    const double burst = settings_.failed_login_burst;
    auto [it, fresh] = shard.buckets.try_emplace(address, Bucket{burst, now});
    Bucket& bucket = it->second;
    if (!fresh && now > bucket.updated) {
        const std::chrono::duration<double> elapsed = now - bucket.updated;
        bucket.tokens =
            std::min(burst, bucket.tokens + elapsed.count() * settings_.failed_login_rate);
        bucket.updated = now;
    }
    return bucket;
}

std::optional<std::chrono::milliseconds> LoginThrottle::wait_before_login(std::uint64_t address,
                                                                          Clock::time_point now) {
    Shard& shard = shards_[address % kShards];
    const std::lock_guard lock(shard.mutex);
    const auto it = shard.buckets.find(address);
    if (it == shard.buckets.end()) {
        return std::nullopt;  // no failure yet: a full bucket
    }
    const Bucket& bucket = refilled(shard, address, now);
    if (bucket.tokens >= 1.0) {
        return std::nullopt;
    }
    const double seconds = (1.0 - bucket.tokens) / settings_.failed_login_rate;
    return std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(seconds * 1000)));
}

void LoginThrottle::failed(std::uint64_t address, Clock::time_point now) {
    Shard& shard = shards_[address % kShards];
    const std::lock_guard lock(shard.mutex);
    Bucket& bucket = refilled(shard, address, now);
    bucket.tokens = std::max(0.0, bucket.tokens - 1.0);
}

}  // namespace parley::net

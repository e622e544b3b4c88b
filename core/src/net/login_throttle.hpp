#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "config/broker_config.hpp"

namespace parley::net {

/// Failed handshakes per client address, as a token bucket each: a failure takes a token,
/// tokens come back at `failed_login_rate` per second up to `failed_login_burst`. While an
/// address has no token left its handshakes are refused unread (4000 RATE_LIMITED), so guessing
/// tokens from many connections is as slow as from one. Buckets of addresses quiet for a minute
/// are forgotten. One per node; thread safe (sharded by address).
class LoginThrottle {
  public:
    using Clock = std::chrono::steady_clock;

    explicit LoginThrottle(const config::LoginThrottleSettings& settings) : settings_(settings) {}

    /// How long `address` (a ConnectionGate key) must wait before its next handshake is
    /// heard, or nothing when it may try now.
    std::optional<std::chrono::milliseconds> wait_before_login(std::uint64_t address,
                                                               Clock::time_point now);
    /// A handshake from `address` failed.
    void failed(std::uint64_t address, Clock::time_point now);

  private:
    struct Bucket {
        double tokens;
        Clock::time_point updated;
    };
    struct Shard {
        std::mutex mutex;
        std::unordered_map<std::uint64_t, Bucket> buckets;
        Clock::time_point last_sweep{};
    };
    static constexpr std::size_t kShards = 8;

    /// The address's bucket, refilled up to now; a new one is full.
    Bucket& refilled(Shard& shard, std::uint64_t address, Clock::time_point now);

    const config::LoginThrottleSettings settings_;
    std::array<Shard, kShards> shards_;
};

}  // namespace parley::net

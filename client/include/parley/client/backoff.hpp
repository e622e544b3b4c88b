#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace parley::client {

struct BackoffOptions {
    std::chrono::milliseconds initial{200};
    std::chrono::milliseconds max{10000};
    double multiplier = 2.0;
};

/// Exponential back-off with "full jitter": the n-th delay is uniformly random in
/// [0, min(max, initial * multiplier^n)]. The randomness keeps clients that lost the same
/// server from reconnecting in lock-step. Not thread safe.
class Backoff {
  public:
    /// Throws std::invalid_argument unless 0 < initial <= max and multiplier >= 1.
    explicit Backoff(BackoffOptions options, std::uint64_t seed = std::random_device{}());

    /// The next delay; each call raises the ceiling until it reaches `max`.
    std::chrono::milliseconds next();
    /// The upper bound of the next delay.
    std::chrono::milliseconds ceiling() const noexcept { return ceiling_; }
    /// Back to `initial`, after a connection that worked.
    void reset() noexcept { ceiling_ = options_.initial; }

    const BackoffOptions& options() const noexcept { return options_; }

  private:
    BackoffOptions options_;
    std::chrono::milliseconds ceiling_;
    std::mt19937_64 random_;
};

}  // namespace parley::client

#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace parley::net {

/// At most one log line per interval for a kind of event that a peer can cause at will (a
/// plaintext client on a TLS port, a failed handshake): the log stays readable and cheap under
/// a flood, and the next line says how many were left out. Thread safe.
class RateLimitedLog {
  public:
    explicit RateLimitedLog(std::chrono::milliseconds interval) : interval_(interval) {}

    /// True when a line may be written now; `left_out` is then the number of events not logged
    /// since the previous line.
    bool allow(std::uint64_t& left_out) noexcept {
        const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
        auto due = next_.load(std::memory_order_relaxed);
        if (now < due ||
            !next_.compare_exchange_strong(
                due,
                now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(interval_)
                          .count())) {
            dropped_.fetch_add(1, std::memory_order_relaxed);
            return false;
        }
        left_out = dropped_.exchange(0, std::memory_order_relaxed);
        return true;
    }

  private:
    std::chrono::milliseconds interval_;
    std::atomic<std::chrono::steady_clock::rep> next_{0};
    std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace parley::net

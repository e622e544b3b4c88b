#pragma once
// A cap on how many lines one noisy source may log: a peer that can make a library complain
// (protobuf about bad UTF-8, say) must not be able to fill the disk with it.

#include <chrono>
#include <cstdint>

namespace parley {

/// Lets through at most `lines_per_window` lines in each window of `window`, counting the rest,
/// so the next line let through can say how many were dropped.
///
/// Not thread safe: the caller serializes admit().
class LogRateLimiter {
  public:
    using Clock = std::chrono::steady_clock;

    LogRateLimiter(std::uint32_t lines_per_window, Clock::duration window) noexcept
        : limit_(lines_per_window), window_(window) {}

    struct Verdict {
        bool log = false;              ///< write this line
        std::uint64_t suppressed = 0;  ///< lines dropped before it, to report first
    };

    /// Whether a line that comes at `now` may be written. A window starts with the first line
    /// after the previous window ended; the first line of a window reports what was dropped.
    Verdict admit(Clock::time_point now) noexcept;

  private:
    std::uint32_t limit_;
    Clock::duration window_;
    Clock::time_point window_start_{};
    std::uint32_t in_window_ = 0;
    std::uint64_t dropped_ = 0;
    bool started_ = false;
};

}  // namespace parley

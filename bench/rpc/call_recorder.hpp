#pragma once
// What a closed-loop driver tells about each call, and what is counted: calls that end inside
// the measured window count and have their latency recorded; every failure counts, whenever it
// happens. Not thread safe: a driver calls it from its one thread.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "histogram.hpp"

namespace parley::bench::rpc {

class CallRecorder {
  public:
    using Clock = std::chrono::steady_clock;

    /// The window is [measure_from, measure_until).
    CallRecorder(Clock::time_point measure_from, Clock::time_point measure_until);

    /// One call, sent at `sent`, ended now; `failure` is empty when it succeeded. Returns
    /// whether the caller should start another one (false once the window has passed).
    bool completed(Clock::time_point sent, std::string_view failure);

    std::uint64_t calls() const noexcept { return latency_.count(); }
    std::uint64_t errors() const noexcept { return errors_; }
    std::uint64_t calls_outside_window() const noexcept { return outside_; }
    const std::string& first_error() const noexcept { return first_error_; }
    const LatencyHistogram& latency() const noexcept { return latency_; }
    Clock::time_point measure_from() const noexcept { return from_; }
    Clock::time_point measure_until() const noexcept { return until_; }

  private:
    Clock::time_point from_;
    Clock::time_point until_;
    LatencyHistogram latency_;
    std::uint64_t errors_ = 0;
    std::uint64_t outside_ = 0;
    std::string first_error_;
};

}  // namespace parley::bench::rpc

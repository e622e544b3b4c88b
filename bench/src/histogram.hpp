#pragma once
// A latency histogram in the manner of HdrHistogram: 128 linear sub-buckets per power of two,
// so any recorded value is reported within 1/128 (< 0.8%) of itself, in a fixed 60 KB array.
// Recording is an index computation and an increment; no allocation after construction.

#include <array>
#include <cstdint>

namespace parley::bench {

class LatencyHistogram {
  public:
    void record(std::uint64_t value_ns) noexcept;
    void merge(const LatencyHistogram& other) noexcept;

    std::uint64_t count() const noexcept { return count_; }
    std::uint64_t min() const noexcept { return count_ == 0 ? 0 : min_; }
    std::uint64_t max() const noexcept { return max_; }
    double mean() const noexcept;
    /// The value at or below which `quantile` (0..1) of the recorded values lie: the upper end
    /// of the bucket that holds it, capped at the exact maximum. 0 when empty.
    std::uint64_t value_at(double quantile) const noexcept;

  private:
    static constexpr unsigned kSubBucketBits = 7;
    static constexpr std::size_t kBuckets = (64 - kSubBucketBits + 2) << kSubBucketBits;

    static std::size_t index_of(std::uint64_t value) noexcept;
    static std::uint64_t upper_bound_of(std::size_t index) noexcept;

    std::array<std::uint64_t, kBuckets> counts_{};
    std::uint64_t count_ = 0;
    std::uint64_t min_ = UINT64_MAX;
    std::uint64_t max_ = 0;
    long double sum_ = 0;
};

}  // namespace parley::bench

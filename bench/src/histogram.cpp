#include "histogram.hpp"

#include <algorithm>
#include <bit>

namespace parley::bench {

// Values below 2^(bits+1) have their own bucket; above, a value keeps its top bits+1 bits and
// the shift selects the power of two: index = shift * 2^bits + (value >> shift).
std::size_t LatencyHistogram::index_of(std::uint64_t value) noexcept {
    const auto width = static_cast<unsigned>(std::bit_width(value));
    const unsigned shift = width > kSubBucketBits + 1 ? width - kSubBucketBits - 1 : 0;
    return (static_cast<std::size_t>(shift) << kSubBucketBits) + (value >> shift);
}

std::uint64_t LatencyHistogram::upper_bound_of(std::size_t index) noexcept {
    constexpr std::size_t kSub = std::size_t{1} << kSubBucketBits;
    if (index < 2 * kSub) {
        return index;
    }
    const std::size_t shift = index / kSub - 1;
    const std::uint64_t mantissa = index - shift * kSub;
    return ((mantissa + 1) << shift) - 1;
}

void LatencyHistogram::record(std::uint64_t value_ns) noexcept {
    ++counts_[index_of(value_ns)];
    ++count_;
    min_ = std::min(min_, value_ns);
    max_ = std::max(max_, value_ns);
    sum_ += static_cast<long double>(value_ns);
}

void LatencyHistogram::merge(const LatencyHistogram& other) noexcept {
    for (std::size_t i = 0; i < kBuckets; ++i) {
        counts_[i] += other.counts_[i];
    }
    count_ += other.count_;
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
    sum_ += other.sum_;
}

double LatencyHistogram::mean() const noexcept {
    return count_ == 0 ? 0.0 : static_cast<double>(sum_ / static_cast<long double>(count_));
}

std::uint64_t LatencyHistogram::value_at(double quantile) const noexcept {
    if (count_ == 0) {
        return 0;
    }
    const double wanted = std::clamp(quantile, 0.0, 1.0) * static_cast<double>(count_);
    auto rank = static_cast<std::uint64_t>(wanted);
    rank = std::clamp<std::uint64_t>(rank, 1, count_);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < kBuckets; ++i) {
        seen += counts_[i];
        if (seen >= rank) {
            return std::min(upper_bound_of(i), max_);
        }
    }
    return max_;
}

}  // namespace parley::bench

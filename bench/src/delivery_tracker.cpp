#include "delivery_tracker.hpp"

#include <stdexcept>

namespace parley::bench {

DeliveryTracker::DeliveryTracker(std::size_t senders, std::uint32_t expected_per_message)
    : counts_(senders), expected_(expected_per_message) {
    if (expected_per_message == 0 || expected_per_message > UINT16_MAX - 1) {
        throw std::invalid_argument("deliveries per message must be 1..65534");
    }
}

std::uint64_t DeliveryTracker::next_seq(std::size_t sender) {
    auto& counts = counts_[sender];
    counts.push_back(0);
    ++sent_;
    return counts.size() - 1;
}

DeliveryTracker::Outcome DeliveryTracker::record(std::size_t sender, std::uint64_t seq) {
    if (sender >= counts_.size() || seq >= counts_[sender].size()) {
        ++unknown_;
        return Outcome::unknown;
    }
    auto& count = counts_[sender][seq];
    if (count >= expected_) {
        ++duplicates_;
        return Outcome::duplicate;
    }
    ++count;
    ++delivered_;
    if (count == expected_) {
        ++completed_;
        return Outcome::completed;
    }
    return Outcome::partial;
}

}  // namespace parley::bench

#pragma once
// Counts, per sender and sequence number, how often each message arrived, so the end of a run
// can say how many were lost and how many came twice. A message is complete when it has
// arrived as often as expected (1 for a private message, the other members for a group one).
// Counts grow with the messages sent: amortised, never one allocation per message.
// Not thread safe: one tracker per generator thread.

#include <cstdint>
#include <vector>

namespace parley::bench {

class DeliveryTracker {
  public:
    DeliveryTracker(std::size_t senders, std::uint32_t expected_per_message);

    /// The sequence number for the next message of `sender`.
    std::uint64_t next_seq(std::size_t sender);

    enum class Outcome { partial, completed, duplicate, unknown };
    /// One arrival of message `seq` from `sender`.
    Outcome record(std::size_t sender, std::uint64_t seq);

    std::uint64_t sent() const noexcept { return sent_; }
    std::uint64_t expected() const noexcept { return sent_ * expected_; }
    /// Arrivals that were due (not duplicates, not unknown).
    std::uint64_t delivered() const noexcept { return delivered_; }
    std::uint64_t completed() const noexcept { return completed_; }
    std::uint64_t duplicates() const noexcept { return duplicates_; }
    std::uint64_t unknown() const noexcept { return unknown_; }
    std::uint64_t missing() const noexcept { return expected() - delivered_; }
    std::uint32_t expected_per_message() const noexcept { return expected_; }

  private:
    std::vector<std::vector<std::uint16_t>> counts_;
    std::uint32_t expected_;
    std::uint64_t sent_ = 0;
    std::uint64_t delivered_ = 0;
    std::uint64_t completed_ = 0;
    std::uint64_t duplicates_ = 0;
    std::uint64_t unknown_ = 0;
};

}  // namespace parley::bench

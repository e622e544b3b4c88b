#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>

#include <parley/types.hpp>

#include "config/fan_out_limits.hpp"

namespace parley::cluster {

/// What the group fan-out holds: messages waiting to be handed to the members logged in here,
/// per group and on the whole node, in messages and bytes.
///
/// The fan-out adds a message when the transport hands it over and removes it once handed
/// out; the group handler asks wait_before() before it stores or acknowledges a message, so a
/// group (or a node) that is behind refuses new messages instead of queueing without bound,
/// and nothing acknowledged is ever dropped for being over a mark.
///
/// Thread safe: add() and remove() come from the loops that run the fan-out, wait_before()
/// from every session's loop. Each call holds one shard's mutex for a map operation.
class FanOutBacklog {
  public:
    struct Totals {
        std::size_t messages = 0;
        std::uint64_t bytes = 0;
    };

    explicit FanOutBacklog(config::FanOutLimits limits);

    /// A message of `bytes` for `group` now waits for the fan-out.
    void add(GroupId group, std::size_t bytes);
    /// `messages` messages of `group`, `bytes` in all, were handed out; handing them out
    /// (their membership lookup included) took `took`.
    void remove(GroupId group, std::size_t messages, std::uint64_t bytes,
                std::chrono::nanoseconds took);

    /// Nothing when a new message for `group` may be accepted. Otherwise the group or the node
    /// is over its mark, and this is how long a sender should wait: the time the fan-out is
    /// expected to need, at the pace it last kept, to bring the backlog down to half its mark
    /// (between kMinWait and kMaxWait).
    std::optional<std::chrono::milliseconds> wait_before(GroupId group) const;

    Totals group(GroupId group) const;
    Totals node() const noexcept;
    const config::FanOutLimits& limits() const noexcept { return limits_; }

    static constexpr std::chrono::milliseconds kMinWait{10};
    static constexpr std::chrono::milliseconds kMaxWait{10000};
    /// The wait when no batch has been handed out yet to tell the pace.
    static constexpr std::chrono::milliseconds kUnknownPaceWait{100};

  private:
    struct Entry {
        Totals waiting;
        std::int64_t nanos_per_message = 0;  ///< the pace of the group's last batch
    };
    static constexpr std::size_t kShards = 64;
    struct Shard {
        mutable std::mutex mutex;
        std::unordered_map<GroupId, Entry> groups;  ///< only groups with something waiting
    };
    Shard& shard(GroupId group) noexcept { return shards_[group % kShards]; }
    const Shard& shard(GroupId group) const noexcept { return shards_[group % kShards]; }

    config::FanOutLimits limits_;
    std::array<Shard, kShards> shards_;
    std::atomic<std::size_t> node_messages_{0};
    std::atomic<std::uint64_t> node_bytes_{0};
    std::atomic<std::int64_t> node_nanos_per_message_{0};  ///< the pace of any group's last batch
};

}  // namespace parley::cluster

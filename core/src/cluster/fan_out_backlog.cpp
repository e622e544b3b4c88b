#include "cluster/fan_out_backlog.hpp"

#include <algorithm>
#include <cmath>

namespace parley::cluster {
namespace {

/// How long draining `waiting` down to half of its mark takes at `nanos_per_message`, or
/// nothing when `waiting` is below its mark.
std::optional<std::chrono::milliseconds> wait_for(FanOutBacklog::Totals waiting,
                                                  std::size_t max_messages, std::uint64_t max_bytes,
                                                  std::int64_t nanos_per_message) {
    const double ratio = std::max(static_cast<double>(waiting.messages) /
                                      static_cast<double>(std::max<std::size_t>(max_messages, 1)),
                                  static_cast<double>(waiting.bytes) /
                                      static_cast<double>(std::max<std::uint64_t>(max_bytes, 1)));
    if (ratio < 1.0) {
        return std::nullopt;
    }
    if (nanos_per_message <= 0) {
        return FanOutBacklog::kUnknownPaceWait;
    }
    // Half the mark in whichever measure is further over it.
    const double to_drain = static_cast<double>(waiting.messages) * (1.0 - 0.5 / ratio);
    const double millis = std::ceil(to_drain * static_cast<double>(nanos_per_message) / 1e6);
    const double clamped = std::clamp(millis, static_cast<double>(FanOutBacklog::kMinWait.count()),
                                      static_cast<double>(FanOutBacklog::kMaxWait.count()));
    return std::chrono::milliseconds(static_cast<std::int64_t>(clamped));
}

}  // namespace

FanOutBacklog::FanOutBacklog(config::FanOutLimits limits) : limits_(limits) {}

void FanOutBacklog::add(GroupId group, std::size_t bytes) {
    Shard& s = shard(group);
    {
        const std::lock_guard lock(s.mutex);
        Entry& entry = s.groups[group];
        ++entry.waiting.messages;
        entry.waiting.bytes += bytes;
    }
    node_messages_.fetch_add(1, std::memory_order_relaxed);
    node_bytes_.fetch_add(bytes, std::memory_order_relaxed);
}

void FanOutBacklog::remove(GroupId group, std::size_t messages, std::uint64_t bytes,
                           std::chrono::nanoseconds took) {
    if (messages == 0) {
        return;
    }
    const std::int64_t pace =
        std::max<std::int64_t>(1, took.count() / static_cast<std::int64_t>(messages));
    Shard& s = shard(group);
    {
        const std::lock_guard lock(s.mutex);
        const auto it = s.groups.find(group);
        if (it != s.groups.end()) {
            Entry& entry = it->second;
            entry.waiting.messages -= std::min(messages, entry.waiting.messages);
            entry.waiting.bytes -= std::min(bytes, entry.waiting.bytes);
            entry.nanos_per_message = pace;
            if (entry.waiting.messages == 0) {
                s.groups.erase(it);
            }
        }
    }
    node_messages_.fetch_sub(messages, std::memory_order_relaxed);
    node_bytes_.fetch_sub(bytes, std::memory_order_relaxed);
    node_nanos_per_message_.store(pace, std::memory_order_relaxed);
}

std::optional<std::chrono::milliseconds> FanOutBacklog::wait_before(GroupId group) const {
    std::optional<std::chrono::milliseconds> wait =
        wait_for(node(), limits_.node_messages, limits_.node_bytes,
                 node_nanos_per_message_.load(std::memory_order_relaxed));
    const Shard& s = shard(group);
    const std::lock_guard lock(s.mutex);
    const auto it = s.groups.find(group);
    if (it == s.groups.end()) {
        return wait;
    }
    const auto group_wait = wait_for(it->second.waiting, limits_.group_messages,
                                     limits_.group_bytes, it->second.nanos_per_message);
    if (group_wait && (!wait || *group_wait > *wait)) {
        wait = group_wait;
    }
    return wait;
}

FanOutBacklog::Totals FanOutBacklog::group(GroupId group) const {
    const Shard& s = shard(group);
    const std::lock_guard lock(s.mutex);
    const auto it = s.groups.find(group);
    return it == s.groups.end() ? Totals{} : it->second.waiting;
}

FanOutBacklog::Totals FanOutBacklog::node() const noexcept {
    return Totals{node_messages_.load(std::memory_order_relaxed),
                  node_bytes_.load(std::memory_order_relaxed)};
}

}  // namespace parley::cluster

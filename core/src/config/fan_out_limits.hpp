#pragma once

#include <cstddef>
#include <cstdint>

namespace parley::config {

/// How far the group fan-out may fall behind before the node refuses new group messages with
/// RATE_LIMITED (4000): the YAML `server:` keys `max_group_backlog`, `max_group_backlog_bytes`,
/// `max_fan_out_backlog` and `max_fan_out_backlog_bytes`. The one place their defaults live.
///
/// A backlog is what waits to be handed to the members logged in on this node. A group over
/// its mark refuses its own new messages; the node over its mark refuses every group message.
struct FanOutLimits {
    std::size_t group_messages = 1000;
    std::uint64_t group_bytes = 4ULL * 1024 * 1024;
    std::size_t node_messages = 20000;
    std::uint64_t node_bytes = 64ULL * 1024 * 1024;
};

}  // namespace parley::config

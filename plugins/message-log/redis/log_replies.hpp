#pragma once
// Turns the scripts' replies (log_scripts.hpp) into the SPI's types. Each function throws
// Error(backend_unavailable) naming `what` when a reply is not what the script returns.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <parley/message_log.hpp>

#include "redis_reply.hpp"

namespace parley::plugins::message_log_redis {

/// append's {duplicate, seq, server_msg_id, epoch}.
AppendResult parse_append(const redis::RedisReply& reply);

/// epoch's reply.
std::uint64_t parse_epoch(const redis::RedisReply& reply);

/// read's reply: nothing for a conversation that never had a message, else its bounds, its
/// epoch and the entries it returned, in the order Redis gave them.
std::optional<MessagePage> parse_page(const redis::RedisReply& reply);

/// user_streams' reply, for `user`: the conversations it lists (direct ones from the peers,
/// groups from the acknowledged positions) and the acknowledged position of each.
struct UserStreams {
    std::vector<Conversation> conversations;
    std::vector<std::pair<Conversation, std::uint64_t>> acked;
};
UserStreams parse_user_streams(UserId user, const redis::RedisReply& reply);

}  // namespace parley::plugins::message_log_redis

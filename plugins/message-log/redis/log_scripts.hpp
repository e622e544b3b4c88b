#pragma once
// The Lua scripts of the message log. Redis runs each atomically, so the sequence number, the
// append, the dedup record and the retention of one message happen together or not at all,
// whichever node and connection sends them. Each is built on first use: the plugin's static
// constructors do nothing.

#include "redis_command.hpp"

namespace parley::plugins::message_log_redis::scripts {

/// KEYS: incarnation, meta, msgs, times, dedup[, peers of low, peers of high] (the last two for
/// a direct conversation). ARGV: epoch candidate, sender, client_msg_id, dedup window ms (0:
/// none), max messages, max age ms (0: none), frame, attempt[, low, high]. `attempt` names one
/// append() call, the same in each of its resends: a dedup record it wrote itself (its first
/// try's reply was lost) is that append's own, not a duplicate.
/// Returns {duplicate 0|1, seq, server_msg_id, epoch}.
const redis::RedisScript& append();

/// KEYS: meta, msgs, times. ARGV: "f" (ascending from ARGV[2]) or "b" (descending from
/// ARGV[2]), the stream id to start at, how many (0: none), max age ms.
/// Returns {0} for a conversation that never had a message, else {1, epoch, last, first,
/// entries}.
const redis::RedisScript& read();

/// KEYS: incarnation. ARGV: epoch candidate. Returns the log's epoch, making it first if the
/// log has none (new, or it lost its data).
const redis::RedisScript& epoch();

/// KEYS: acked. ARGV: field, seq. Raises the field to seq, never lowers it.
const redis::RedisScript& acknowledge();

/// KEYS: peers, acked. Returns {peers, acked as field, value pairs}.
const redis::RedisScript& user_streams();

}  // namespace parley::plugins::message_log_redis::scripts

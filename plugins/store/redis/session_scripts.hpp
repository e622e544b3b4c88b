#pragma once
// The Lua scripts that keep the session records consistent. Redis runs each script atomically,
// so a claim's read-compare-write cannot interleave with another node's. Each is built on first
// use: the plugin's static constructors do nothing.

#include "redis_command.hpp"

namespace parley::plugins::redis::scripts {

/// KEYS: session, online, deadlines. ARGV: user, node, epoch, "reject"|"kick_old"|"take_over",
/// ttl ms, and for take_over the node and epoch of the only session that may be displaced.
/// Returns {1} (granted, nobody displaced), {1, node, epoch} (granted, that session displaced)
/// or {0, node, epoch} (refused, that session holds the user).
const RedisScript& claim();

/// KEYS: session, online, deadlines. ARGV: user, epoch. Deletes the record only if its epoch
/// is `epoch`. Returns 1 when it did.
const RedisScript& release();

/// KEYS: online, deadlines. ARGV: cursor, count. Prunes users whose deadline passed, then returns
/// {total, {up to `count` user ids >= cursor, ascending}}.
const RedisScript& online();

/// KEYS: online, deadlines. ARGV: session key prefix, node, ttl ms, then user, epoch pairs.
/// Extends each record this node still holds, re-creates the ones that are gone, and returns
/// the user, epoch pairs that another session holds now (flat).
const RedisScript& refresh();

/// KEYS: group. ARGV: session key prefix, max members. Returns the node of every member's
/// session, each node once: where the group's messages must go; nil for a group with more than
/// max members.
const RedisScript& group_nodes();

}  // namespace parley::plugins::redis::scripts

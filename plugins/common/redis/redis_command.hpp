#pragma once

#include <exception>
#include <functional>
#include <string>
#include <vector>

#include "redis_reply.hpp"

namespace parley::plugins::redis {

/// A Lua script a plugin runs atomically on the server. Defined once, as a constant.
struct RedisScript {
    std::string name;  ///< for messages
    std::string body;
};

/// One command to send: a plain command, or a script call.
struct RedisCommand {
    /// The command and its arguments ("HMGET", key, field...), or, for a script, its KEYS
    /// followed by its ARGV.
    std::vector<std::string> args;
    /// Set for a script call: it goes out as EVALSHA, or EVAL while the SHA is unknown.
    const RedisScript* script = nullptr;
    int key_count = 0;  ///< how many of `args` are KEYS, for a script call
};

/// How a command ends: with an error (parley::Error, backend_unavailable) and no reply, or with
/// the reply (which may itself be a Redis error reply).
using ReplyCallback = std::function<void(std::exception_ptr error, RedisReply reply)>;

}  // namespace parley::plugins::redis

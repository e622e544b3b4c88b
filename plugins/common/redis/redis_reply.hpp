#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct redisReply;

namespace parley::plugins::redis {

/// A Redis reply copied out of hiredis, which frees its own reply as soon as the callback
/// returns. Plain data: safe to move to any thread.
struct RedisReply {
    enum class Type { nil, status, error, integer, string, array };

    Type type = Type::nil;
    long long integer = 0;
    std::string text;  ///< status, error or bulk string
    std::vector<RedisReply> elements;

    static RedisReply copy_of(const redisReply& reply);

    bool is_nil() const noexcept { return type == Type::nil; }
    bool is_error() const noexcept { return type == Type::error; }
    /// The first word of an error reply ("NOSCRIPT", "WRONGPASS"...); "" for other replies.
    std::string_view error_kind() const noexcept;
    /// The integer of an integer reply or of a decimal bulk string; nothing for anything else.
    std::optional<std::uint64_t> as_unsigned() const;
};

}  // namespace parley::plugins::redis

#include "redis_reply.hpp"

#include <charconv>

#include <hiredis/hiredis.h>

namespace parley::plugins::redis {

RedisReply RedisReply::copy_of(const redisReply& reply) {
    RedisReply copy;
    switch (reply.type) {
        case REDIS_REPLY_STATUS:
            copy.type = Type::status;
            copy.text.assign(reply.str, reply.len);
            break;
        case REDIS_REPLY_ERROR:
            copy.type = Type::error;
            copy.text.assign(reply.str, reply.len);
            break;
        case REDIS_REPLY_STRING:
            copy.type = Type::string;
            copy.text.assign(reply.str, reply.len);
            break;
        case REDIS_REPLY_INTEGER:
            copy.type = Type::integer;
            copy.integer = reply.integer;
            break;
        case REDIS_REPLY_ARRAY:
            copy.type = Type::array;
            copy.elements.reserve(reply.elements);
            for (std::size_t i = 0; i < reply.elements; ++i) {
                copy.elements.push_back(copy_of(*reply.element[i]));
            }
            break;
        default:
            copy.type = Type::nil;
            break;
    }
    return copy;
}

std::string_view RedisReply::error_kind() const noexcept {
    if (type != Type::error) {
        return {};
    }
    const std::string_view view{text};
    return view.substr(0, view.find(' '));
}

std::optional<std::uint64_t> RedisReply::as_unsigned() const {
    if (type == Type::integer) {
        if (integer < 0) {
            return std::nullopt;
        }
        return static_cast<std::uint64_t>(integer);
    }
    if (type != Type::string || text.empty()) {
        return std::nullopt;
    }
    std::uint64_t value = 0;
    const char* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    if (error != std::errc{} || stop != end) {
        return std::nullopt;
    }
    return value;
}

}  // namespace parley::plugins::redis

#include "log_replies.hpp"

#include <charconv>
#include <cstring>
#include <limits>
#include <string_view>

#include <parley/error.hpp>

namespace parley::plugins::message_log_redis {

namespace {

using redis::RedisReply;

[[noreturn]] void unexpected(const char* what) {
    throw Error(ErrorCode::backend_unavailable,
                std::string{"message-log-redis: an unexpected reply to "} + what);
}

std::uint64_t number(const RedisReply& reply, const char* what) {
    const auto value = reply.as_unsigned();
    if (!value) {
        unexpected(what);
    }
    return *value;
}

std::uint64_t decimal(std::string_view text, const char* what) {
    std::uint64_t value = 0;
    const char* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    if (text.empty() || error != std::errc{} || stop != end) {
        unexpected(what);
    }
    return value;
}

UserId user_id(std::string_view text, const char* what) {
    const std::uint64_t value = decimal(text, what);
    if (value > std::numeric_limits<UserId>::max()) {
        unexpected(what);
    }
    return static_cast<UserId>(value);
}

bool is_array(const RedisReply& reply, std::size_t size) {
    return reply.type == RedisReply::Type::array && reply.elements.size() == size;
}

/// One stream entry: [id "<seq>-0", [field, value, ...]].
StoredMessage parse_entry(const RedisReply& entry) {
    constexpr const char* kWhat = "a stored message";
    if (!is_array(entry, 2) || entry.elements[1].type != RedisReply::Type::array) {
        unexpected(kWhat);
    }
    const std::string& id = entry.elements[0].text;
    StoredMessage message;
    message.seq = decimal(std::string_view{id}.substr(0, id.find('-')), kWhat);
    const auto& fields = entry.elements[1].elements;
    bool has_frame = false;
    for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
        const std::string& name = fields[i].text;
        const std::string& value = fields[i + 1].text;
        if (name == "i") {
            message.server_msg_id = decimal(value, kWhat);
        } else if (name == "s") {
            message.sender = user_id(value, kWhat);
        } else if (name == "c") {
            message.client_msg_id = decimal(value, kWhat);
        } else if (name == "t") {
            message.stored_at_ms = static_cast<std::int64_t>(decimal(value, kWhat));
        } else if (name == "f") {
            if (value.size() < kFrameHeaderSize) {
                unexpected(kWhat);
            }
            message.frame =
                Frame::allocate(static_cast<std::uint32_t>(value.size() - kFrameHeaderSize));
            std::memcpy(message.frame.mutable_bytes().data(), value.data(), value.size());
            has_frame = true;
        }
    }
    if (!has_frame || message.server_msg_id == 0) {
        unexpected(kWhat);
    }
    return message;
}

}  // namespace

AppendResult parse_append(const RedisReply& reply) {
    constexpr const char* kWhat = "the append";
    if (!is_array(reply, 4)) {
        unexpected(kWhat);
    }
    AppendResult result;
    result.duplicate = number(reply.elements[0], kWhat) == 1;
    result.seq = number(reply.elements[1], kWhat);
    result.server_msg_id = number(reply.elements[2], kWhat);
    result.epoch = number(reply.elements[3], kWhat);
    return result;
}

std::uint64_t parse_epoch(const RedisReply& reply) {
    return number(reply, "the epoch");
}

std::optional<MessagePage> parse_page(const RedisReply& reply) {
    constexpr const char* kWhat = "a read";
    if (is_array(reply, 1) && number(reply.elements[0], kWhat) == 0) {
        return std::nullopt;
    }
    if (!is_array(reply, 5) || reply.elements[4].type != RedisReply::Type::array) {
        unexpected(kWhat);
    }
    MessagePage page;
    page.epoch = number(reply.elements[1], kWhat);
    page.last_seq = number(reply.elements[2], kWhat);
    page.first_seq = number(reply.elements[3], kWhat);
    page.messages.reserve(reply.elements[4].elements.size());
    for (const RedisReply& entry : reply.elements[4].elements) {
        page.messages.push_back(parse_entry(entry));
    }
    return page;
}

UserStreams parse_user_streams(UserId user, const RedisReply& reply) {
    constexpr const char* kWhat = "the user's conversations";
    if (!is_array(reply, 2) || reply.elements[0].type != RedisReply::Type::array ||
        reply.elements[1].type != RedisReply::Type::array) {
        unexpected(kWhat);
    }
    UserStreams streams;
    for (const RedisReply& peer : reply.elements[0].elements) {
        streams.conversations.push_back(Conversation::direct(user, user_id(peer.text, kWhat)));
    }
    const auto& acked = reply.elements[1].elements;
    for (std::size_t i = 0; i + 1 < acked.size(); i += 2) {
        const std::string& field = acked[i].text;
        if (field.size() < 3 || field[1] != ':') {
            unexpected(kWhat);
        }
        const std::uint32_t peer = user_id(std::string_view{field}.substr(2), kWhat);
        const Conversation conversation =
            field[0] == 'g' ? Conversation::group(peer) : Conversation::direct(user, peer);
        if (conversation.kind == Conversation::Kind::group) {
            streams.conversations.push_back(conversation);
        }
        streams.acked.emplace_back(conversation, decimal(acked[i + 1].text, kWhat));
    }
    return streams;
}

}  // namespace parley::plugins::message_log_redis

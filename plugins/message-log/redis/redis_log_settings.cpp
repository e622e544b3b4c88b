#include "redis_log_settings.hpp"

#include <limits>

namespace parley::plugins::message_log_redis {

RedisLogSettings read_redis_log_settings(const ConfigNode& node) {
    SettingsReader reader(node, "message-log-redis settings");
    RedisLogSettings settings;
    settings.client.owner = "message-log-redis";
    redis::read_client_settings(reader, settings.client);
    settings.key_prefix = reader.get_string("key_prefix", settings.key_prefix);
    if (settings.key_prefix.find_first_of("{}") != std::string::npos) {
        // The keys carry hash tags of their own; a brace in the prefix would replace them.
        reader.find("key_prefix")
            ->fail("message-log-redis settings: key_prefix: must not contain '{' or '}'");
    }
    settings.max_messages_per_conversation = static_cast<std::uint64_t>(
        reader.get_int("max_messages_per_conversation",
                       static_cast<std::int64_t>(settings.max_messages_per_conversation), 1,
                       std::numeric_limits<std::int64_t>::max()));
    // With a minimum, the reader names the key in its errors.
    constexpr std::chrono::milliseconds kNone{0};
    settings.max_age = reader.get_duration("max_age", settings.max_age, kNone);
    settings.dedup_window = reader.get_duration("dedup_window", settings.dedup_window, kNone);
    settings.append_timeout = reader.get_duration("append_timeout", settings.append_timeout, kNone);
    settings.max_appends_in_flight = static_cast<std::size_t>(
        reader.get_int("max_appends_in_flight",
                       static_cast<std::int64_t>(settings.max_appends_in_flight), 1, 100000));
    reader.finish();
    return settings;
}

}  // namespace parley::plugins::message_log_redis

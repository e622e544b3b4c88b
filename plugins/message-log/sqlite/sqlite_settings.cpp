#include "sqlite_settings.hpp"

#include <cstdint>
#include <limits>

namespace parley::plugins::message_log_sqlite {

SqliteLogSettings read_sqlite_log_settings(SettingsReader& reader) {
    SqliteLogSettings settings;
    settings.path = reader.get_string("path", settings.path);
    if (settings.path.empty()) {
        reader.find("path")->fail("message-log-sqlite settings: path: must not be empty");
    }
    settings.max_messages_per_conversation = static_cast<std::uint64_t>(
        reader.get_int("max_messages_per_conversation",
                       static_cast<std::int64_t>(settings.max_messages_per_conversation), 1,
                       std::numeric_limits<std::int64_t>::max()));
    settings.max_age = reader.get_duration("max_age", settings.max_age);
    settings.dedup_window = reader.get_duration("dedup_window", settings.dedup_window);
    settings.sync_full = reader.get_choice("synchronous", "full", {"full", "normal"}) == "full";
    settings.max_batch =
        static_cast<std::uint32_t>(reader.get_int("max_batch", settings.max_batch, 1, 65536));
    return settings;
}

}  // namespace parley::plugins::message_log_sqlite

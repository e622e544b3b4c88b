#include "memory_log_settings.hpp"

#include <cstdint>
#include <limits>

namespace parley::plugins::message_log_memory {

MemoryLogSettings read_memory_log_settings(SettingsReader& reader) {
    MemoryLogSettings settings;
    settings.max_messages_per_conversation = static_cast<std::uint64_t>(
        reader.get_int("max_messages_per_conversation",
                       static_cast<std::int64_t>(settings.max_messages_per_conversation), 1,
                       std::numeric_limits<std::int64_t>::max()));
    settings.dedup_window = reader.get_duration("dedup_window", settings.dedup_window);
    return settings;
}

}  // namespace parley::plugins::message_log_memory

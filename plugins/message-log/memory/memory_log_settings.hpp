#pragma once

#include <chrono>
#include <cstdint>

#include <parley/config_node.hpp>

namespace parley::plugins::message_log_memory {

/// The plugin's settings, validated. docs/plugins/message-log-memory.md describes each one.
struct MemoryLogSettings {
    std::uint64_t max_messages_per_conversation = 10000;
    std::chrono::milliseconds dedup_window{std::chrono::minutes{10}};
};

/// Reads every key of the settings; throws ConfigError naming the bad key and its place.
MemoryLogSettings read_memory_log_settings(SettingsReader& reader);

}  // namespace parley::plugins::message_log_memory

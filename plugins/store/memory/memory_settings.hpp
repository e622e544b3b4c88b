#pragma once

#include <filesystem>
#include <optional>

#include <parley/config_node.hpp>

namespace parley::plugins::memory {

/// The plugin's settings, validated. docs/plugins/store-memory.md describes each one.
struct MemorySettings {
    /// The SQLite file that keeps group memberships across restarts; none: memory only.
    std::optional<std::filesystem::path> groups_path;
};

/// Reads the plugin's settings; throws ConfigError naming the bad key and its place.
MemorySettings read_memory_settings(const ConfigNode& settings);

}  // namespace parley::plugins::memory

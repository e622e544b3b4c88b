#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <parley/config_node.hpp>

namespace parley::plugins::message_log_sqlite {

/// The plugin's settings, validated. docs/plugins/message-log-sqlite.md describes each one.
struct SqliteLogSettings {
    /// The database file; relative paths are relative to the daemon's working directory.
    std::string path = "parley-messages.db";
    std::uint64_t max_messages_per_conversation = 10000;
    /// 0: messages never expire by age.
    std::chrono::milliseconds max_age{std::chrono::hours{24 * 30}};
    /// 0: no deduplication.
    std::chrono::milliseconds dedup_window{std::chrono::minutes{10}};
    /// true: SQLite's synchronous=FULL, durable against power loss; false: NORMAL, durable
    /// against a crash of the process only.
    bool sync_full = true;
    /// At most this many appends and acknowledgements share one transaction.
    std::uint32_t max_batch = 512;
};

/// Reads every key of the settings; throws ConfigError naming the bad key and its place.
SqliteLogSettings read_sqlite_log_settings(SettingsReader& reader);

}  // namespace parley::plugins::message_log_sqlite

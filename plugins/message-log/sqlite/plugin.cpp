// message-log-sqlite: the durable message log of a standalone node, in one SQLite file.
// docs/plugins/message-log-sqlite.md describes the settings and the behaviour.

#include <memory>

#include <parley/plugin.hpp>

#include "sqlite_log.hpp"
#include "sqlite_settings.hpp"

namespace {

void setup(parley::PluginHost& host, const parley::ConfigNode& settings) {
    parley::SettingsReader reader(settings, "message-log-sqlite settings");
    const auto parsed = parley::plugins::message_log_sqlite::read_sqlite_log_settings(reader);
    reader.finish();
    host.add(std::make_shared<parley::plugins::message_log_sqlite::SqliteLog>(parsed));
}

}  // namespace

PARLEY_PLUGIN("message-log", "sqlite", "durable message log in one SQLite file", setup)

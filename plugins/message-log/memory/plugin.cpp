// message-log-memory: the message log in process memory, for tests and as a baseline.
// docs/plugins/message-log-memory.md describes the settings and the behaviour.

#include <memory>

#include <parley/plugin.hpp>

#include "memory_log.hpp"
#include "memory_log_settings.hpp"

namespace {

void setup(parley::PluginHost& host, const parley::ConfigNode& settings) {
    parley::SettingsReader reader(settings, "message-log-memory settings");
    const auto parsed = parley::plugins::message_log_memory::read_memory_log_settings(reader);
    reader.finish();
    host.add(std::make_shared<parley::plugins::message_log_memory::MemoryLog>(parsed));
}

}  // namespace

PARLEY_PLUGIN("message-log", "memory", "message log in process memory; lost on restart", setup)

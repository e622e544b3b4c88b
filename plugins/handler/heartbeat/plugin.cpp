// handler-heartbeat: echoes heartbeats (frame type 0x02). It takes no settings.

#include <memory>

#include <parley/plugin.hpp>

#include "heartbeat_handler.hpp"

namespace {

void setup(parley::PluginHost& host, const parley::ConfigNode& settings) {
    parley::SettingsReader reader(settings, "handler-heartbeat settings");
    reader.finish();
    host.add_handler(parley::FrameType::heartbeat,
                     std::make_shared<parley::plugins::handlers::HeartbeatHandler>());
}

}  // namespace

PARLEY_PLUGIN("handler", "heartbeat", "echoes heartbeats (frame type 0x02)", setup)

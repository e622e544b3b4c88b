// handler-private: private messages (frame type 0x04). It takes no settings.

#include <memory>

#include <parley/plugin.hpp>

#include "private_message_handler.hpp"

namespace {

void setup(parley::PluginHost& host, const parley::ConfigNode& settings) {
    parley::SettingsReader reader(settings, "handler-private settings");
    reader.finish();
    host.add_handler(parley::FrameType::private_message,
                     std::make_shared<parley::plugins::handlers::PrivateMessageHandler>());
}

}  // namespace

PARLEY_PLUGIN("handler", "private", "private messages (frame type 0x04)", setup)

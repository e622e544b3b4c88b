// handler-private: private messages (frame type 0x04). Settings: `offline: store | refuse`
// (docs/plugins/handler-private.md).

#include <memory>

#include <parley/plugin.hpp>

#include "private_message_handler.hpp"
#include "private_settings.hpp"

namespace {

void setup(parley::PluginHost& host, const parley::ConfigNode& settings) {
    using namespace parley::plugins::handlers;
    host.add_handler(parley::FrameType::private_message,
                     std::make_shared<PrivateMessageHandler>(read_private_settings(settings)));
}

}  // namespace

PARLEY_PLUGIN("handler", "private", "private messages (frame type 0x04)", setup)

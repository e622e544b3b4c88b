// handler-presence: pages through the online users (frame type 0x07). Settings: page_size
// (default 100) and max_page_size (default 1000); docs/plugins/handler-presence.md.

#include <memory>

#include <parley/plugin.hpp>

#include "presence_handler.hpp"
#include "presence_settings.hpp"

namespace {

void setup(parley::PluginHost& host, const parley::ConfigNode& settings) {
    using namespace parley::plugins::handlers;
    const PresenceSettings parsed = read_presence_settings(settings);
    host.add_handler(parley::FrameType::presence,
                     std::make_shared<PresenceHandler>(parsed.page_size, parsed.max_page_size));
}

}  // namespace

PARLEY_PLUGIN("handler", "presence", "pages through the online users (frame type 0x07)", setup)

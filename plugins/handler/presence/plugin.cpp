// handler-presence: pages through the online users (frame type 0x07). Settings: page_size
// (default 100) and max_page_size (default 1000); docs/plugins/handler-presence.md.

#include <cstdint>
#include <memory>
#include <string>

#include <parley/plugin.hpp>

#include "presence_handler.hpp"

namespace {

constexpr std::int64_t kPageSizeLimit = 100000;

void setup(parley::PluginHost& host, const parley::ConfigNode& settings) {
    parley::SettingsReader reader(settings, "handler-presence settings");
    const auto page_size = reader.get_int("page_size", 100, 1, kPageSizeLimit);
    const auto max_page_size = reader.get_int("max_page_size", 1000, 1, kPageSizeLimit);
    if (page_size > max_page_size) {
        // At least one of the two was set; blame the one the file has, page_size first.
        const parley::ConfigNode* where = reader.find("page_size");
        if (where == nullptr) {
            where = &reader.require("max_page_size");
        }
        where->fail("page_size (" + std::to_string(page_size) + ") is above max_page_size (" +
                    std::to_string(max_page_size) + ")");
    }
    reader.finish();
    host.add_handler(
        parley::FrameType::presence,
        std::make_shared<parley::plugins::handlers::PresenceHandler>(
            static_cast<std::uint32_t>(page_size), static_cast<std::uint32_t>(max_page_size)));
}

}  // namespace

PARLEY_PLUGIN("handler", "presence", "pages through the online users (frame type 0x07)", setup)

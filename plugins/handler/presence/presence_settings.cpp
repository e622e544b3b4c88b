#include "presence_settings.hpp"

#include <string>

namespace parley::plugins::handlers {

namespace {

constexpr std::int64_t kPageSizeLimit = 100000;

}  // namespace

PresenceSettings read_presence_settings(const ConfigNode& settings) {
    SettingsReader reader(settings, "handler-presence settings");
    const auto page_size = reader.get_int("page_size", 100, 1, kPageSizeLimit);
    const auto max_page_size = reader.get_int("max_page_size", 1000, 1, kPageSizeLimit);
    if (page_size > max_page_size) {
        // At least one of the two was set; blame the one the file has, page_size first.
        const ConfigNode* where = reader.find("page_size");
        if (where == nullptr) {
            where = &reader.require("max_page_size");
        }
        where->fail("page_size (" + std::to_string(page_size) + ") is above max_page_size (" +
                    std::to_string(max_page_size) + ")");
    }
    reader.finish();
    return {static_cast<std::uint32_t>(page_size), static_cast<std::uint32_t>(max_page_size)};
}

}  // namespace parley::plugins::handlers

#include "rate_limit_settings.hpp"

#include <string>
#include <utility>

namespace parley::plugins::rate_limit {
namespace {

// The frame types a list may name, besides numbers (docs/protocol.md, section 4).
constexpr std::pair<const char*, std::uint8_t> kTypeNames[] = {
    {"handshake", 0x01}, {"heartbeat", 0x02}, {"group", 0x03}, {"private", 0x04},
    {"presence", 0x07},  {"join", 0x08},      {"leave", 0x09}, {"received", 0x0B},
    {"sync", 0x0C},      {"history", 0x0D},
};

std::uint8_t read_type(const ConfigNode& item) {
    if (!item.is_map() && !item.is_sequence()) {
        const std::string text = item.as_string();
        for (const auto& [name, type] : kTypeNames) {
            if (text == name) {
                return type;
            }
        }
        if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
            item.fail("unknown frame type '" + text +
                      "' (a number 1-255 or one of handshake, heartbeat, group, private, "
                      "presence, join, leave, received, sync, history)");
        }
    }
    return static_cast<std::uint8_t>(item.as_int(1, 255));
}

}  // namespace

RateLimitSettings read_rate_limit_settings(const ConfigNode& settings) {
    SettingsReader reader(settings, "rate-limit settings");
    RateLimitSettings parsed;
    // get_double refuses nan and inf, either of which would turn the limiter off.
    parsed.messages_per_second =
        reader.get_double("messages_per_second", parsed.messages_per_second);
    // A rate of 0 or less would refuse everything; an absurd one would turn the limiter off.
    if (!(parsed.messages_per_second > 0) || parsed.messages_per_second > 1e6) {
        reader.find("messages_per_second")
            ->fail("messages_per_second must be positive and at most 1000000");
    }
    parsed.burst = static_cast<double>(reader.get_int("burst", 100, 1, 1'000'000));
    if (const ConfigNode* types = reader.find("types")) {
        parsed.types.clear();
        for (const auto& item : types->items()) {
            parsed.types.push_back(read_type(item));
        }
    }
    reader.finish();
    return parsed;
}

}  // namespace parley::plugins::rate_limit

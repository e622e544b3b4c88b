#include "rate_limit_settings.hpp"

namespace parley::plugins::rate_limit {

RateLimitSettings read_rate_limit_settings(const ConfigNode& settings) {
    SettingsReader reader(settings, "rate-limit settings");
    RateLimitSettings parsed;
    // get_double refuses nan and inf, either of which would turn the limiter off.
    parsed.messages_per_second =
        reader.get_double("messages_per_second", parsed.messages_per_second);
    if (parsed.messages_per_second <= 0) {
        reader.find("messages_per_second")->fail("messages_per_second must be positive");
    }
    parsed.burst = static_cast<double>(reader.get_int("burst", 100, 1, 1'000'000));
    if (const ConfigNode* types = reader.find("types")) {
        parsed.types.clear();
        for (const auto& item : types->items()) {
            parsed.types.push_back(static_cast<std::uint8_t>(item.as_int(1, 255)));
        }
    }
    reader.finish();
    return parsed;
}

}  // namespace parley::plugins::rate_limit

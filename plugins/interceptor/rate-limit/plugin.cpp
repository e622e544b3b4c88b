// interceptor-rate-limit: refuses chat frames from a user sending faster than configured.

#include <memory>

#include <parley/plugin.hpp>

#include "rate_limiter.hpp"

namespace {

using parley::plugins::rate_limit::RateLimiter;
using parley::plugins::rate_limit::RateLimitSettings;

void setup(parley::PluginHost& host, const parley::ConfigNode& settings) {
    parley::SettingsReader reader(settings, "rate-limit settings");
    RateLimitSettings parsed;
    if (const parley::ConfigNode* rate = reader.find("messages_per_second")) {
        parsed.messages_per_second = rate->as_double();
        if (parsed.messages_per_second <= 0) {
            rate->fail("messages_per_second must be positive");
        }
    }
    parsed.burst = static_cast<double>(reader.get_int("burst", 100, 1, 1'000'000));
    if (const parley::ConfigNode* types = reader.find("types")) {
        parsed.types.clear();
        for (const auto& item : types->items()) {
            parsed.types.push_back(static_cast<std::uint8_t>(item.as_int(1, 255)));
        }
    }
    reader.finish();
    host.add(std::make_shared<RateLimiter>(std::move(parsed)));
}

}  // namespace

PARLEY_PLUGIN("interceptor", "rate-limit", "per-user token bucket on chat frames", setup)

// interceptor-rate-limit: refuses chat frames from a user sending faster than configured.

#include <memory>

#include <parley/plugin.hpp>

#include "rate_limit_settings.hpp"
#include "rate_limiter.hpp"

namespace {

void setup(parley::PluginHost& host, const parley::ConfigNode& settings) {
    using namespace parley::plugins::rate_limit;
    host.add(std::make_shared<RateLimiter>(read_rate_limit_settings(settings)));
}

}  // namespace

PARLEY_PLUGIN("interceptor", "rate-limit", "per-user token bucket on chat frames", setup)

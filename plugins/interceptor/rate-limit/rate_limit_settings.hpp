#pragma once

#include <cstdint>
#include <vector>

#include <parley/config_node.hpp>

namespace parley::plugins::rate_limit {

/// The plugin's settings, validated.
struct RateLimitSettings {
    double messages_per_second = 50;  ///< positive and finite
    double burst = 100;
    /// Frame types that count; others always pass. A HANDSHAKE before login counts against
    /// the client's IP address instead of a user.
    std::vector<std::uint8_t> types{0x03, 0x04};
};

/// Reads the plugin's settings; throws ConfigError naming the bad key and its place.
RateLimitSettings read_rate_limit_settings(const ConfigNode& settings);

}  // namespace parley::plugins::rate_limit

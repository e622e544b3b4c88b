#pragma once

#include <cstdint>

#include <parley/config_node.hpp>

namespace parley::plugins::handlers {

/// The plugin's settings, validated: 1 <= page_size <= max_page_size.
struct PresenceSettings {
    std::uint32_t page_size = 100;       ///< when a request asks for no particular size
    std::uint32_t max_page_size = 1000;  ///< the most one request may get
};

/// Reads `page_size` and `max_page_size`; throws ConfigError naming the bad key and its place.
PresenceSettings read_presence_settings(const ConfigNode& settings);

}  // namespace parley::plugins::handlers

#pragma once
// The dice plugin's settings: read from YAML once, at start-up, into a plain validated struct.

#include <cstdint>

#include <parley/config_node.hpp>

namespace dice {

struct DiceSettings {
    std::int64_t default_sides = 6;  ///< used when a request leaves the sides out (2..1000)
    std::int64_t max_dice = 10;      ///< most dice one request may roll (1..1000)
};

/// Reads `sides` and `max_dice`; throws parley::ConfigError naming the bad key and its place.
DiceSettings read_dice_settings(const parley::ConfigNode& settings);

}  // namespace dice

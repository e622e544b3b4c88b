// The plugin's entry: reads the settings, then registers the handler. Nothing else lives here.
#include <memory>

#include <parley/config_node.hpp>
#include <parley/plugin.hpp>

#include "dice_handler.hpp"
#include "dice_settings.hpp"

namespace {

void setup(parley::PluginHost& host, const parley::ConfigNode& settings) {
    host.add_handler(dice::kDiceFrameType,
                     std::make_shared<dice::DiceHandler>(dice::read_dice_settings(settings)));
}

}  // namespace

PARLEY_PLUGIN("handler", "dice", "rolls dice on frame type 0x80", setup)

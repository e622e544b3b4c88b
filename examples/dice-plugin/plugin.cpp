// The plugin's entry: reads the settings, then registers the handler. Nothing else lives here.
#include <memory>

#include <parley/config_node.hpp>
#include <parley/plugin.hpp>

#include "dice_handler.hpp"

namespace {

void setup(parley::PluginHost& host, const parley::ConfigNode& settings) {
    parley::SettingsReader reader(settings, "dice handler settings");
    dice::DiceSettings dice_settings;
    dice_settings.default_sides = reader.get_int("sides", 6, 2, 1000);
    dice_settings.max_dice = reader.get_int("max_dice", 10, 1, 1000);
    reader.finish();  // refuses keys nobody asked for, e.g. a misspelt "sidez"
    host.add_handler(dice::kDiceFrameType, std::make_shared<dice::DiceHandler>(dice_settings));
}

}  // namespace

PARLEY_PLUGIN("handler", "dice", "rolls dice on frame type 0x80", setup)

#include "dice_settings.hpp"

namespace dice {

DiceSettings read_dice_settings(const parley::ConfigNode& settings) {
    parley::SettingsReader reader(settings, "dice handler settings");
    DiceSettings parsed;
    parsed.default_sides = reader.get_int("sides", parsed.default_sides, 2, 1000);
    parsed.max_dice = reader.get_int("max_dice", parsed.max_dice, 1, 1000);
    reader.finish();  // refuses keys nobody asked for, e.g. a misspelt "sidez"
    return parsed;
}

}  // namespace dice

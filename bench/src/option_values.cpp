#include "option_values.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>

namespace parley::bench {

std::uint64_t parse_number(std::string_view text) {
    std::uint64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc{} || ptr != end) {
        throw std::invalid_argument("not a number: '" + std::string{text} + "'");
    }
    return value;
}

std::chrono::milliseconds parse_duration(std::string_view text) {
    struct Unit {
        std::string_view suffix;
        double ms;
    };
    for (const Unit unit : {Unit{"ms", 1}, Unit{"s", 1000}, Unit{"m", 60000}}) {
        if (text.size() > unit.suffix.size() && text.ends_with(unit.suffix)) {
            const auto number = text.substr(0, text.size() - unit.suffix.size());
            double value = 0;
            const auto* end = number.data() + number.size();
            const auto [ptr, ec] = std::from_chars(number.data(), end, value);
            if (ec == std::errc{} && ptr == end && value >= 0) {
                return std::chrono::milliseconds(std::llround(value * unit.ms));
            }
        }
    }
    return std::chrono::milliseconds(parse_number(text));
}

}  // namespace parley::bench

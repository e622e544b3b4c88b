#include "format.hpp"

#include <cmath>
#include <cstdio>

namespace parley::bench::report {
namespace {

/// Three significant digits, no exponent: 1.23, 12.3, 123.
std::string three_digits(double value) {
    char text[32];
    const double magnitude = std::fabs(value);
    const int decimals = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2;
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

std::string scaled(double value, const char* const units[], int count, double step) {
    int unit = 0;
    while (unit + 1 < count && std::fabs(value) >= step * 0.9995) {
        value /= step;
        ++unit;
    }
    return three_digits(value) + units[unit];
}

}  // namespace

std::string human_count(double value) {
    static const char* const kUnits[] = {"", "k", "M", "G"};
    if (std::fabs(value) < 1000) {
        char text[32];
        std::snprintf(text, sizeof text, "%.0f", value);
        return text;
    }
    return scaled(value, kUnits, 4, 1000);
}

std::string human_micros(double micros) {
    static const char* const kUnits[] = {" µs", " ms", " s"};
    return scaled(micros, kUnits, 3, 1000);
}

std::string human_bytes(double bytes) {
    static const char* const kUnits[] = {" B", " KB", " MB", " GB"};
    return scaled(bytes, kUnits, 4, 1000);
}

std::string human_ratio(double ratio) {
    return three_digits(ratio) + "×";
}

std::string human_percent(double percent) {
    char text[32];
    std::snprintf(text, sizeof text, "%.0f%%", percent);
    return text;
}

std::string human_metric(const std::string& key, double value) {
    if (key.ends_with("_us")) {
        return human_micros(value);
    }
    if (key.starts_with("rss_")) {
        return human_bytes(value);
    }
    return human_count(value);
}

}  // namespace parley::bench::report

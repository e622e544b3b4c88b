#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include <parley/config_node.hpp>

namespace parley {
namespace {

std::string_view kind_name(ConfigNode::Kind kind) {
    switch (kind) {
        case ConfigNode::Kind::null:
            return "nothing";
        case ConfigNode::Kind::scalar:
            return "a scalar";
        case ConfigNode::Kind::sequence:
            return "a list";
        case ConfigNode::Kind::map:
            return "a map";
    }
    return "?";
}

// Splits "10ms" into 10 and "ms"; false when there is no leading number.
bool split_number_unit(std::string_view text, double& number, std::string_view& unit) {
    std::size_t end = 0;
    while (end < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[end])) != 0 || text[end] == '.')) {
        ++end;
    }
    if (end == 0) {
        return false;
    }
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + end, number);
    if (ec != std::errc{} || ptr != text.data() + end) {
        return false;
    }
    unit = text.substr(end);
    while (!unit.empty() && unit.front() == ' ') {
        unit.remove_prefix(1);
    }
    return true;
}

}  // namespace

std::string SourceLocation::to_string() const {
    std::string out = file ? *file : std::string{"<config>"};
    if (line > 0) {
        out += ':' + std::to_string(line) + ':' + std::to_string(column);
    }
    return out;
}

ConfigError::ConfigError(const SourceLocation& where, const std::string& message)
    : std::runtime_error(where.to_string() + ": " + message) {}

ConfigError::~ConfigError() = default;

void ConfigNode::fail(const std::string& message) const {
    throw ConfigError(location_, message);
}

void ConfigNode::merge(const ConfigNode& overlay) {
    if (kind_ == Kind::map && overlay.kind_ == Kind::map) {
        for (const Entry& entry : overlay.entries_) {
            auto it = std::find_if(entries_.begin(), entries_.end(),
                                   [&](const Entry& e) { return e.first == entry.first; });
            if (it == entries_.end()) {
                entries_.push_back(entry);
            } else {
                it->second.merge(entry.second);
            }
        }
        return;
    }
    *this = overlay;
}

const std::string& ConfigNode::scalar() const {
    if (kind_ != Kind::scalar) {
        fail("expected a scalar value, found " + std::string{kind_name(kind_)});
    }
    return scalar_;
}

const std::vector<ConfigNode>& ConfigNode::items() const {
    if (kind_ != Kind::sequence) {
        fail("expected a list, found " + std::string{kind_name(kind_)});
    }
    return items_;
}

const std::vector<ConfigNode::Entry>& ConfigNode::entries() const {
    if (kind_ != Kind::map) {
        fail("expected a map, found " + std::string{kind_name(kind_)});
    }
    return entries_;
}

const ConfigNode* ConfigNode::find(std::string_view key) const {
    if (kind_ == Kind::null) {
        return nullptr;
    }
    for (const auto& [k, v] : entries()) {
        if (k == key) {
            return &v;
        }
    }
    return nullptr;
}

std::string ConfigNode::as_string() const {
    return scalar();
}

bool ConfigNode::as_bool() const {
    std::string text = scalar();
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (text == "true" || text == "yes" || text == "on") {
        return true;
    }
    if (text == "false" || text == "no" || text == "off") {
        return false;
    }
    fail("expected true or false, found '" + scalar() + "'");
}

std::int64_t ConfigNode::as_int(std::int64_t min, std::int64_t max) const {
    const std::string& text = scalar();
    std::int64_t value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || ptr != text.data() + text.size()) {
        fail("expected an integer, found '" + text + "'");
    }
    if (value < min || value > max) {
        fail("value " + text + " is out of range [" + std::to_string(min) + ", " +
             std::to_string(max) + "]");
    }
    return value;
}

double ConfigNode::as_double() const {
    const std::string& text = scalar();
    double value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || ptr != text.data() + text.size()) {
        fail("expected a number, found '" + text + "'");
    }
    if (!std::isfinite(value)) {
        fail("expected a finite number, found '" + text + "'");
    }
    return value;
}

std::chrono::milliseconds ConfigNode::as_duration() const {
    double number = 0;
    std::string_view unit;
    if (!split_number_unit(scalar(), number, unit)) {
        fail("expected a duration like 500ms, 10s, 2m or 1h, found '" + scalar() + "'");
    }
    double factor = 0;
    if (unit.empty() || unit == "ms") {
        factor = 1;
    } else if (unit == "s") {
        factor = 1000;
    } else if (unit == "m" || unit == "min") {
        factor = 60'000;
    } else if (unit == "h") {
        factor = 3'600'000;
    } else {
        fail("unknown duration unit '" + std::string{unit} + "' (use ms, s, m or h)");
    }
    // The clocks count nanoseconds in 64 bits (about 292 years): a longer duration would
    // overflow wherever it is added to a time point.
    constexpr auto kLongest =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::nanoseconds::max());
    const double milliseconds = std::round(number * factor);
    if (!(milliseconds <= static_cast<double>(kLongest.count()))) {
        fail("duration '" + scalar() + "' is too long (at most " +
             std::to_string(kLongest.count()) + " ms, about 292 years)");
    }
    return std::chrono::milliseconds{static_cast<std::int64_t>(milliseconds)};
}

std::uint64_t ConfigNode::as_bytes() const {
    double number = 0;
    std::string_view unit;
    if (!split_number_unit(scalar(), number, unit)) {
        fail("expected a size like 4096, 64KiB or 1MiB, found '" + scalar() + "'");
    }
    static const std::pair<std::string_view, double> kUnits[] = {
        {"", 1},     {"B", 1},    {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0},
        {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}};
    for (const auto& [name, factor] : kUnits) {
        if (unit == name) {
            const double bytes = std::round(number * factor);
            if (!(bytes < 0x1p64)) {  // 2^64: would wrap
                fail("size '" + scalar() + "' is too large (at most 16 EiB)");
            }
            return static_cast<std::uint64_t>(bytes);
        }
    }
    fail("unknown size unit '" + std::string{unit} + "' (use B, KiB, MiB, GiB, KB, MB or GB)");
}

std::vector<std::string> ConfigNode::as_string_list() const {
    std::vector<std::string> out;
    for (const auto& item : items()) {
        out.push_back(item.as_string());
    }
    return out;
}

ConfigNode ConfigNode::make_scalar(std::string text, SourceLocation where) {
    ConfigNode node;
    node.kind_ = Kind::scalar;
    node.scalar_ = std::move(text);
    node.location_ = std::move(where);
    return node;
}

ConfigNode ConfigNode::make_map(SourceLocation where) {
    ConfigNode node;
    node.kind_ = Kind::map;
    node.location_ = std::move(where);
    return node;
}

void ConfigNode::set(std::string key, ConfigNode value) {
    if (kind_ == Kind::null) {
        kind_ = Kind::map;
    }
    if (kind_ != Kind::map) {
        fail("cannot set key '" + key + "' on " + std::string{kind_name(kind_)});
    }
    for (auto& entry : entries_) {
        if (entry.first == key) {
            entry.second = std::move(value);
            return;
        }
    }
    entries_.emplace_back(std::move(key), std::move(value));
}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
    // Levenshtein distance; a candidate within a third of the word's length is "close".
    auto distance = [](std::string_view a, std::string_view b) {
        std::vector<std::size_t> row(b.size() + 1);
        for (std::size_t j = 0; j <= b.size(); ++j) {
            row[j] = j;
        }
        for (std::size_t i = 1; i <= a.size(); ++i) {
            std::size_t diagonal = row[0];
            row[0] = i;
            for (std::size_t j = 1; j <= b.size(); ++j) {
                const std::size_t above = row[j];
                row[j] = std::min(
                    {row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0U : 1U)});
                diagonal = above;
            }
        }
        return row[b.size()];
    };
    std::string best;
    std::size_t best_distance = std::numeric_limits<std::size_t>::max();
    for (const auto& candidate : candidates) {
        const std::size_t d = distance(word, candidate);
        if (d < best_distance) {
            best_distance = d;
            best = candidate;
        }
    }
    const std::size_t allowed = std::max<std::size_t>(2, word.size() / 3);
    return best_distance <= allowed ? best : std::string{};
}

}  // namespace parley

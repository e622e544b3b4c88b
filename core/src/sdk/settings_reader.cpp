#include <algorithm>
#include <sstream>

#include <parley/config_node.hpp>

namespace parley {

SettingsReader::SettingsReader(const ConfigNode& node, std::string what)
    : node_(node), what_(std::move(what)) {
    if (!node_.is_null() && !node_.is_map()) {
        node_.fail(what_ + " must be a map of keys to values");
    }
}

const ConfigNode* SettingsReader::find(std::string_view key) {
    known_.emplace_back(key);
    const ConfigNode* value = node_.find(key);
    return value == nullptr || value->is_null() ? nullptr : value;
}

const ConfigNode& SettingsReader::require(std::string_view key) {
    const ConfigNode* value = find(key);
    if (value == nullptr) {
        node_.fail(what_ + ": required key '" + std::string{key} + "' is missing");
    }
    return *value;
}

namespace {

/// Runs `read` on `node`, naming `key` in any error it reports: "<what>: <key>: <problem>".
template <typename Read>
auto naming_key(const ConfigNode& node, const std::string& what, std::string_view key, Read read) {
    try {
        return read(node);
    } catch (const ConfigError& e) {
        std::string message = e.what();
        const std::string place = node.location().to_string() + ": ";
        if (message.starts_with(place)) {
            message.erase(0, place.size());
        }
        node.fail(what + ": " + std::string{key} + ": " + message);
    }
}

template <typename T>
std::string with_unit(T value, std::string_view unit) {
    std::ostringstream out;
    out << value;
    if (!unit.empty()) {
        out << ' ' << unit;
    }
    return out.str();
}

}  // namespace

template <typename T>
void SettingsReader::check_range(std::string_view key, T value, T min, T max,
                                 std::string_view unit) const {
    if (value >= min && value <= max) {
        return;
    }
    // A maximum of the type's largest value means "no maximum".
    const std::string range =
        max == std::numeric_limits<T>::max()
            ? "must be at least " + with_unit(min, unit)
            : "must lie between " + with_unit(min, unit) + " and " + with_unit(max, unit);
    node_.find(key)->fail(what_ + ": " + std::string{key} + " " + range + ", not " +
                          with_unit(value, unit));
}

std::string SettingsReader::get_string(std::string_view key, std::string fallback) {
    const ConfigNode* value = find(key);
    return value ? value->as_string() : std::move(fallback);
}

bool SettingsReader::get_bool(std::string_view key, bool fallback) {
    const ConfigNode* value = find(key);
    return value ? value->as_bool() : fallback;
}

std::int64_t SettingsReader::get_int(std::string_view key, std::int64_t fallback, std::int64_t min,
                                     std::int64_t max) {
    const ConfigNode* node = find(key);
    return node ? naming_key(*node, what_, key,
                             [min, max](const ConfigNode& n) { return n.as_int(min, max); })
                : fallback;
}

double SettingsReader::get_double(std::string_view key, double fallback, double min, double max) {
    const ConfigNode* node = find(key);
    if (node == nullptr) {
        return fallback;
    }
    const double value =
        naming_key(*node, what_, key, [](const ConfigNode& n) { return n.as_double(); });
    check_range(key, value, min, max, "");
    return value;
}

std::chrono::milliseconds SettingsReader::get_duration(std::string_view key,
                                                       std::chrono::milliseconds fallback) {
    const ConfigNode* value = find(key);
    return value ? value->as_duration() : fallback;
}

std::chrono::milliseconds SettingsReader::get_duration(std::string_view key,
                                                       std::chrono::milliseconds fallback,
                                                       std::chrono::milliseconds min,
                                                       std::chrono::milliseconds max) {
    const ConfigNode* node = find(key);
    if (node == nullptr) {
        return fallback;
    }
    const std::chrono::milliseconds value =
        naming_key(*node, what_, key, [](const ConfigNode& n) { return n.as_duration(); });
    check_range(key, value.count(), min.count(), max.count(), "ms");
    return value;
}

std::uint64_t SettingsReader::get_bytes(std::string_view key, std::uint64_t fallback) {
    const ConfigNode* value = find(key);
    return value ? value->as_bytes() : fallback;
}

std::uint64_t SettingsReader::get_bytes(std::string_view key, std::uint64_t fallback,
                                        std::uint64_t min, std::uint64_t max) {
    const ConfigNode* node = find(key);
    if (node == nullptr) {
        return fallback;
    }
    const std::uint64_t value =
        naming_key(*node, what_, key, [](const ConfigNode& n) { return n.as_bytes(); });
    check_range(key, value, min, max, "bytes");
    return value;
}

std::string SettingsReader::get_choice(std::string_view key, std::string fallback,
                                       const std::vector<std::string>& choices) {
    const ConfigNode* value = find(key);
    if (value == nullptr) {
        return fallback;
    }
    std::string choice = value->as_string();
    if (std::find(choices.begin(), choices.end(), choice) != choices.end()) {
        return choice;
    }
    std::string list;
    for (const auto& c : choices) {
        list += (list.empty() ? "" : ", ") + c;
    }
    std::string message =
        what_ + ": '" + choice + "' is not a valid " + std::string{key} + " (one of: " + list + ")";
    if (auto hint = closest_match(choice, choices); !hint.empty()) {
        message += "; did you mean '" + hint + "'?";
    }
    value->fail(message);
}

void SettingsReader::finish() const {
    if (node_.is_null()) {
        return;
    }
    for (const auto& [key, value] : node_.entries()) {
        if (std::find(known_.begin(), known_.end(), key) != known_.end()) {
            continue;
        }
        std::string message = "unknown key '" + key + "' in " + what_;
        if (auto hint = closest_match(key, known_); !hint.empty()) {
            message += "; did you mean '" + hint + "'?";
        }
        throw ConfigError(value.location(), message);
    }
}

}  // namespace parley

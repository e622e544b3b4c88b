#include <algorithm>

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
    const ConfigNode* value = find(key);
    return value ? value->as_int(min, max) : fallback;
}

std::chrono::milliseconds SettingsReader::get_duration(std::string_view key,
                                                       std::chrono::milliseconds fallback) {
    const ConfigNode* value = find(key);
    return value ? value->as_duration() : fallback;
}

std::uint64_t SettingsReader::get_bytes(std::string_view key, std::uint64_t fallback) {
    const ConfigNode* value = find(key);
    return value ? value->as_bytes() : fallback;
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

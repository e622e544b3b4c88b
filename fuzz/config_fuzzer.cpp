// YAML -> ConfigNode -> BrokerConfig, and the SettingsReader getters plugins read their
// settings with. For any text: the only exception is ConfigError, and it names the file; a
// configuration that is accepted holds the values its text says, inside the ranges asked for.
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <parley/config_node.hpp>

#include "config/broker_config.hpp"
#include "fuzz_check.hpp"

namespace {

using parley::ConfigError;
using parley::ConfigNode;
using parley::SettingsReader;
using namespace std::chrono_literals;

constexpr std::string_view kFile = "fuzz.yaml";

bool names_the_file(const ConfigError& e) {
    return std::string_view{e.what()}.starts_with(kFile);
}

// Runs `read`; a ConfigError is an answer (it must name the file), anything else escapes and
// is a finding.
template <typename Read>
auto config_or_nothing(Read read) -> std::optional<decltype(read())> {
    try {
        return read();
    } catch (const ConfigError& e) {
        PARLEY_FUZZ_CHECK(names_the_file(e));
        return std::nullopt;
    }
}

// What a "<number><unit>" scalar means, read independently of ConfigNode: digits and dots,
// spaces, a unit from `units`. Nothing when it is not such a scalar.
std::optional<long double> amount(const std::string& text,
                                  const std::vector<std::pair<std::string_view, double>>& units) {
    std::size_t end = 0;
    while (end < text.size() && ((text[end] >= '0' && text[end] <= '9') || text[end] == '.')) {
        ++end;
    }
    double number = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + end, number);
    if (end == 0 || ec != std::errc{} || ptr != text.data() + end) {
        return std::nullopt;
    }
    std::string_view unit = std::string_view{text}.substr(end);
    while (!unit.empty() && unit.front() == ' ') {
        unit.remove_prefix(1);
    }
    for (const auto& [name, factor] : units) {
        if (unit == name) {
            return static_cast<long double>(number) * factor;
        }
    }
    return std::nullopt;
}

const std::vector<std::pair<std::string_view, double>> kSizeUnits = {
    {"", 1},     {"B", 1},    {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0},
    {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}};
const std::vector<std::pair<std::string_view, double>> kDurationUnits = {
    {"", 1}, {"ms", 1}, {"s", 1e3}, {"m", 6e4}, {"min", 6e4}, {"h", 3.6e6}};

// A value read from `text` is the amount it names, give or take rounding.
bool close_to(long double value, long double expected) {
    return std::fabs(value - std::round(expected)) <= std::max(1.0L, std::fabs(expected) * 1e-15L);
}

void check_bytes(const ConfigNode& node, std::uint64_t value) {
    if (node.is_null()) {
        return;  // absent: the fallback
    }
    const auto expected = amount(node.scalar(), kSizeUnits);
    PARLEY_FUZZ_CHECK(expected.has_value());
    PARLEY_FUZZ_CHECK(close_to(static_cast<long double>(value), *expected));
}

void check_duration(const ConfigNode& node, std::chrono::milliseconds value) {
    if (node.is_null()) {
        return;
    }
    const auto expected = amount(node.scalar(), kDurationUnits);
    PARLEY_FUZZ_CHECK(expected.has_value());
    PARLEY_FUZZ_CHECK(value.count() >= 0);
    PARLEY_FUZZ_CHECK(close_to(static_cast<long double>(value.count()), *expected));
    // Every duration must survive conversion to the clocks' nanoseconds.
    PARLEY_FUZZ_CHECK(value <= std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::nanoseconds::max()));
}

// Reads `key` of a map with one of the getters, chosen by the key, and checks the answer.
void read_one(SettingsReader& reader, const ConfigNode& value, const std::string& key) {
    switch (std::hash<std::string>{}(key) % 10) {
        case 0:
            if (const auto v = config_or_nothing([&] { return reader.get_int(key, 7, -5, 100); })) {
                PARLEY_FUZZ_CHECK(*v >= -5 && *v <= 100);
            }
            break;
        case 1:
            if (const auto v = config_or_nothing([&] { return reader.get_double(key, 0.5); })) {
                PARLEY_FUZZ_CHECK(std::isfinite(*v));
            }
            break;
        case 2:
            if (const auto v =
                    config_or_nothing([&] { return reader.get_double(key, 0.5, 0.0, 1.0); })) {
                PARLEY_FUZZ_CHECK(*v >= 0.0 && *v <= 1.0);
            }
            break;
        case 3:
            if (const auto v = config_or_nothing([&] { return reader.get_duration(key, 1s); })) {
                check_duration(value, *v);
            }
            break;
        case 4:
            if (const auto v =
                    config_or_nothing([&] { return reader.get_duration(key, 1s, 100ms, 1h); })) {
                PARLEY_FUZZ_CHECK(*v >= 100ms && *v <= 1h);
                check_duration(value, *v);
            }
            break;
        case 5:
            if (const auto v = config_or_nothing([&] { return reader.get_bytes(key, 1); })) {
                check_bytes(value, *v);
            }
            break;
        case 6:
            if (const auto v = config_or_nothing(
                    [&] { return reader.get_bytes(key, 1, 1, 64U * 1024 * 1024); })) {
                PARLEY_FUZZ_CHECK(*v >= 1 && *v <= 64U * 1024 * 1024);
                check_bytes(value, *v);
            }
            break;
        case 7:
            config_or_nothing([&] { return reader.get_bool(key, false); });
            break;
        case 8:
            if (const auto v = config_or_nothing([&] {
                    return reader.get_choice(key, "kick", {"kick", "reject"});
                })) {
                PARLEY_FUZZ_CHECK(*v == "kick" || *v == "reject");
            }
            break;
        default:
            config_or_nothing([&] { return reader.get_string(key, ""); });
            break;
    }
}

// Every map in the document, read the way a plugin reads its settings.
void read_maps(const ConfigNode& node, int& budget) {
    if (budget-- <= 0) {
        return;
    }
    if (node.is_sequence()) {
        for (const auto& item : node.items()) {
            read_maps(item, budget);
        }
        return;
    }
    if (!node.is_map()) {
        return;
    }
    SettingsReader reader(node, "fuzz settings");
    for (const auto& [key, value] : node.entries()) {
        read_one(reader, value, key);
        read_maps(value, budget);
    }
    config_or_nothing([&] {
        reader.finish();
        return true;
    });
}

// An accepted broker configuration holds what its YAML says.
void check_broker(const ConfigNode& root, const parley::config::BrokerConfig& config) {
    PARLEY_FUZZ_CHECK(!config.node_id.empty());
    PARLEY_FUZZ_CHECK(!config.server.listen.empty());
    const auto& limits = config.server.session;
    const ConfigNode& server = *root.find("server");
    if (const ConfigNode* size = server.find("max_frame_size")) {
        check_bytes(*size, limits.max_frame_size);
    }
    PARLEY_FUZZ_CHECK(limits.max_frame_size >= 1 && limits.max_frame_size <= 64U * 1024 * 1024);
    PARLEY_FUZZ_CHECK(limits.write_queue_limit >= limits.max_frame_size);
    PARLEY_FUZZ_CHECK(limits.idle_heartbeats >= 1 && limits.idle_heartbeats <= 100);
    for (const auto duration :
         {limits.handshake_timeout, limits.heartbeat_interval, limits.frame_timeout}) {
        PARLEY_FUZZ_CHECK(duration.count() > 0);
    }
    // At most a day: clients are told the heartbeat interval in 32-bit milliseconds.
    for (const auto duration : {limits.handshake_timeout, limits.heartbeat_interval,
                                limits.frame_timeout, config.server.shutdown_grace}) {
        PARLEY_FUZZ_CHECK(duration >= 0ms && duration <= 24h);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the input as text
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto root =
        config_or_nothing([&] { return ConfigNode::parse_string(text, std::string{kFile}); });
    if (!root) {
        return 0;
    }
    if (const auto config =
            config_or_nothing([&] { return parley::config::parse_broker_config(*root); })) {
        check_broker(*root, *config);
    }
    int budget = 64;
    read_maps(*root, budget);
    return 0;
}

#pragma once
// A YAML document as a plain tree that remembers where every value came from, so an error can
// name file, line and column even after overlays were merged over a base file. Plugins read
// their settings from it through SettingsReader.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parley {

struct SourceLocation {
    std::shared_ptr<const std::string> file;
    int line = 0;  ///< 1-based; 0 when unknown
    int column = 0;

    /// "file:line:column", or just the file when the position is unknown.
    std::string to_string() const;
};

/// A configuration mistake. what() reads "file:line:column: message".
class ConfigError : public std::runtime_error {
  public:
    ConfigError(const SourceLocation& where, const std::string& message);
    ~ConfigError() override;
    ConfigError(const ConfigError&) = default;
    ConfigError& operator=(const ConfigError&) = default;
};

class ConfigNode {
  public:
    enum class Kind { null, scalar, sequence, map };
    using Entry = std::pair<std::string, ConfigNode>;

    ConfigNode() = default;

    /// Parses YAML; syntax errors become ConfigError with the position.
    static ConfigNode parse_file(const std::filesystem::path& path);
    static ConfigNode parse_string(std::string_view text, std::string source_name);

    /// Lays `overlay` over this node: maps merge key by key, recursively; anything else in the
    /// overlay replaces what was here. Locations follow the values, so errors name the overlay
    /// file for the keys it set.
    void merge(const ConfigNode& overlay);

    Kind kind() const noexcept { return kind_; }
    bool is_null() const noexcept { return kind_ == Kind::null; }
    bool is_map() const noexcept { return kind_ == Kind::map; }
    bool is_sequence() const noexcept { return kind_ == Kind::sequence; }
    const SourceLocation& location() const noexcept { return location_; }

    /// The scalar's text; throws ConfigError when this is not a scalar.
    const std::string& scalar() const;
    /// Sequence items; throws ConfigError when this is not a sequence.
    const std::vector<ConfigNode>& items() const;
    /// Map entries in file order; throws ConfigError when this is not a map.
    const std::vector<Entry>& entries() const;
    /// The value under `key`, or nullptr. Throws ConfigError when this is neither map nor null.
    const ConfigNode* find(std::string_view key) const;

    /// Typed reads. Each throws ConfigError naming the location and the expected type.
    std::string as_string() const;
    bool as_bool() const;
    std::int64_t as_int(std::int64_t min, std::int64_t max) const;
    /// A finite number: "nan" and "inf" are refused, as no setting means them.
    double as_double() const;
    /// "250ms", "10s", "2m", "1h"; a bare number is milliseconds. At most about 292 years
    /// (nanoseconds::max()), so any clock can hold it.
    std::chrono::milliseconds as_duration() const;
    /// "512", "64KiB", "1MiB", "2GiB" (also KB/MB/GB as powers of 1000); below 2^64.
    std::uint64_t as_bytes() const;
    std::vector<std::string> as_string_list() const;

    /// Builders, for code that composes a tree (tests, embedded defaults).
    static ConfigNode make_scalar(std::string text, SourceLocation where = {});
    static ConfigNode make_map(SourceLocation where = {});
    void set(std::string key, ConfigNode value);

    [[noreturn]] void fail(const std::string& message) const;

  private:
    friend class ConfigParser;

    Kind kind_ = Kind::null;
    SourceLocation location_;
    std::string scalar_;
    std::vector<ConfigNode> items_;
    std::vector<Entry> entries_;
};

/// Reads a map of settings, remembering which keys it was asked for, so finish() can refuse
/// the ones nobody knows with "unknown key 'brokerz' in transport settings; did you mean
/// 'brokers'?". A null node reads as an empty map.
///
/// The getters that take a range (get_int, get_double, get_duration and get_bytes with a
/// minimum) name the key in every error they report: "kafka settings: partitions: value 0 is
/// out of range [1, 10000]".
class SettingsReader {
  public:
    SettingsReader(const ConfigNode& node, std::string what);

    const ConfigNode& node() const noexcept { return node_; }
    /// The value under `key`, or nullptr, and marks the key as known.
    const ConfigNode* find(std::string_view key);
    /// The value under `key`; a missing key is a ConfigError.
    const ConfigNode& require(std::string_view key);

    std::string get_string(std::string_view key, std::string fallback);
    bool get_bool(std::string_view key, bool fallback);
    std::int64_t get_int(std::string_view key, std::int64_t fallback, std::int64_t min,
                         std::int64_t max);
    /// A finite number in [min, max].
    double get_double(std::string_view key, double fallback,
                      double min = std::numeric_limits<double>::lowest(),
                      double max = std::numeric_limits<double>::max());
    std::chrono::milliseconds get_duration(std::string_view key,
                                           std::chrono::milliseconds fallback);
    /// A duration in [min, max]; outside it, an error naming the key and the range:
    /// "session_timeout must lie between 100 ms and 3600000 ms, not 50 ms".
    std::chrono::milliseconds get_duration(
        std::string_view key, std::chrono::milliseconds fallback, std::chrono::milliseconds min,
        std::chrono::milliseconds max = std::chrono::milliseconds::max());
    std::uint64_t get_bytes(std::string_view key, std::uint64_t fallback);
    /// A size in [min, max] bytes, with an error like get_duration's.
    std::uint64_t get_bytes(std::string_view key, std::uint64_t fallback, std::uint64_t min,
                            std::uint64_t max = std::numeric_limits<std::uint64_t>::max());
    /// One of `choices`; anything else is an error that lists them.
    std::string get_choice(std::string_view key, std::string fallback,
                           const std::vector<std::string>& choices);

    /// Throws ConfigError for the first key that was never asked for.
    void finish() const;

  private:
    /// Fails at `key`'s node unless min <= value <= max; `unit` follows each number in the
    /// message ("100 ms", "4096 bytes").
    template <typename T>
    void check_range(std::string_view key, T value, T min, T max, std::string_view unit) const;

    const ConfigNode& node_;
    std::string what_;
    std::vector<std::string> known_;
};

/// The closest of `candidates` to `word` by edit distance, or "" when none is close.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace parley

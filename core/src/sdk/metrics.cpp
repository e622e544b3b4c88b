#include <algorithm>
#include <bit>
#include <cmath>
#include <map>
#include <mutex>
#include <stdexcept>
#include <variant>

#include <spdlog/fmt/fmt.h>

#include <parley/metrics.hpp>

namespace parley::metrics {

// ---- values --------------------------------------------------------------------------------

std::size_t Counter::shard_index() noexcept {
    static std::atomic<std::size_t> next{0};
    thread_local const std::size_t index = next.fetch_add(1, std::memory_order_relaxed) % kShards;
    return index;
}

std::uint64_t Counter::value() const noexcept {
    std::uint64_t total = 0;
    for (const auto& shard : shards_) {
        total += shard.value.load(std::memory_order_relaxed);
    }
    return total;
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {
    for (std::size_t i = 0; i < bounds_.size(); ++i) {
        if (!std::isfinite(bounds_[i]) || (i > 0 && bounds_[i] <= bounds_[i - 1])) {
            throw std::invalid_argument("histogram bounds must be finite and ascending");
        }
    }
}

void Histogram::observe(double value) noexcept {
    const auto at = std::lower_bound(bounds_.begin(), bounds_.end(), value);
    buckets_[static_cast<std::size_t>(at - bounds_.begin())].fetch_add(1,
                                                                       std::memory_order_relaxed);
    std::uint64_t old_bits = sum_bits_.load(std::memory_order_relaxed);
    while (!sum_bits_.compare_exchange_weak(
        old_bits, std::bit_cast<std::uint64_t>(std::bit_cast<double>(old_bits) + value),
        std::memory_order_relaxed)) {
    }
}

std::uint64_t Histogram::cumulative(std::size_t index) const noexcept {
    std::uint64_t total = 0;
    for (std::size_t i = 0; i <= index && i <= bounds_.size(); ++i) {
        total += buckets_[i].load(std::memory_order_relaxed);
    }
    return total;
}

double Histogram::sum() const noexcept {
    return std::bit_cast<double>(sum_bits_.load(std::memory_order_relaxed));
}

std::vector<double> latency_buckets() {
    return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
            0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
}

// ---- the registry --------------------------------------------------------------------------

namespace {

enum class Type { counter, gauge, histogram };

std::string_view type_name(Type type) {
    switch (type) {
        case Type::counter:
            return "counter";
        case Type::gauge:
            return "gauge";
        case Type::histogram:
            return "histogram";
    }
    return "untyped";
}

bool name_char(char c, bool first, bool colon) {
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    return letter || (colon && c == ':') || (!first && c >= '0' && c <= '9');
}

bool valid_name(std::string_view name, bool colon) {
    if (name.empty()) {
        return false;
    }
    for (std::size_t i = 0; i < name.size(); ++i) {
        if (!name_char(name[i], i == 0, colon)) {
            return false;
        }
    }
    return true;
}

std::string escape(std::string_view text, bool quotes) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else if (quotes && c == '"') {
            out += "\\\"";
        } else {
            out += c;
        }
    }
    return out;
}

/// `{a="x",b="y"}` with `extra` (a histogram's le) last; "" for no labels at all.
std::string render_labels(const Labels& labels, std::string_view extra_name = {},
                          std::string_view extra_value = {}) {
    if (labels.empty() && extra_name.empty()) {
        return {};
    }
    std::string out = "{";
    for (const auto& [name, value] : labels) {
        out += name + "=\"" + escape(value, true) + "\",";
    }
    if (!extra_name.empty()) {
        out += std::string{extra_name} + "=\"" + std::string{extra_value} + "\",";
    }
    out.back() = '}';
    return out;
}

std::string number(double value) {
    if (std::isnan(value)) {
        return "NaN";
    }
    if (std::isinf(value)) {
        return value > 0 ? "+Inf" : "-Inf";
    }
    return fmt::format("{}", value);
}

/// One line of the exposition: `name<suffix>{labels} value`.
void append_sample(std::string& out, std::string_view name, std::string_view suffix,
                   std::string_view labels, std::string_view value) {
    out += name;
    out += suffix;
    out += labels;
    out += ' ';
    out += value;
    out += '\n';
}

}  // namespace

struct Registry::Impl {
    struct Series {
        Labels labels;
        std::variant<std::unique_ptr<Counter>, std::unique_ptr<Gauge>, std::unique_ptr<Histogram>,
                     std::function<double()>>
            value;
        std::uint64_t id = 0;
    };
    struct Family {
        Type type;
        std::string help;
        std::map<std::string, Series> series;  ///< by rendered labels
    };

    std::mutex mutex;
    std::map<std::string, Family, std::less<>> families;
    std::uint64_t next_id = 1;

    /// The series, created by `make` when new. Call with the lock held.
    template <typename Make>
    Series& find_or_add(std::string_view name, std::string_view help, const Labels& labels,
                        Type type, Make make) {
        if (!valid_name(name, true) || name.starts_with("__")) {
            throw std::invalid_argument("bad metric name '" + std::string{name} + "'");
        }
        for (const auto& [label, value] : labels) {
            if (!valid_name(label, false) || label.starts_with("__") ||
                (type == Type::histogram && label == "le")) {
                throw std::invalid_argument("bad label name '" + label + "' on metric '" +
                                            std::string{name} + "'");
            }
        }
        auto family = families.find(name);
        if (family == families.end()) {
            family = families.emplace(std::string{name}, Family{type, std::string{help}, {}}).first;
        } else if (family->second.type != type) {
            throw std::invalid_argument("metric '" + std::string{name} + "' is a " +
                                        std::string{type_name(family->second.type)} + ", not a " +
                                        std::string{type_name(type)});
        }
        const std::string key = render_labels(labels);
        auto series = family->second.series.find(key);
        if (series == family->second.series.end()) {
            series = family->second.series.emplace(key, Series{labels, make(), next_id++}).first;
        }
        return series->second;
    }
};

Registry::Registry() : impl_(std::make_unique<Impl>()) {}
Registry::~Registry() = default;

Counter& Registry::counter(std::string_view name, std::string_view help, const Labels& labels) {
    const std::lock_guard lock(impl_->mutex);
    auto& series = impl_->find_or_add(name, help, labels, Type::counter,
                                      [] { return std::make_unique<Counter>(); });
    return *std::get<std::unique_ptr<Counter>>(series.value);
}

Gauge& Registry::gauge(std::string_view name, std::string_view help, const Labels& labels) {
    const std::lock_guard lock(impl_->mutex);
    auto& series = impl_->find_or_add(name, help, labels, Type::gauge,
                                      [] { return std::make_unique<Gauge>(); });
    if (!std::holds_alternative<std::unique_ptr<Gauge>>(series.value)) {
        throw std::invalid_argument("gauge '" + std::string{name} + "' is read by a function");
    }
    return *std::get<std::unique_ptr<Gauge>>(series.value);
}

Histogram& Registry::histogram(std::string_view name, std::string_view help,
                               std::vector<double> bounds, const Labels& labels) {
    auto made = std::make_unique<Histogram>(std::move(bounds));  // checks the bounds unlocked
    const std::lock_guard lock(impl_->mutex);
    auto& series =
        impl_->find_or_add(name, help, labels, Type::histogram, [&] { return std::move(made); });
    return *std::get<std::unique_ptr<Histogram>>(series.value);
}

Subscription Registry::gauge_function(std::string_view name, std::string_view help,
                                      const Labels& labels, std::function<double()> read) {
    const std::lock_guard lock(impl_->mutex);
    auto& series = impl_->find_or_add(name, help, labels, Type::gauge,
                                      [] { return std::function<double()>{}; });
    if (!std::holds_alternative<std::function<double()>>(series.value) ||
        std::get<std::function<double()>>(series.value)) {
        throw std::invalid_argument("gauge '" + std::string{name} + render_labels(labels) +
                                    "' is registered already");
    }
    series.value = std::move(read);
    const std::uint64_t id = series.id;
    Impl* impl = impl_.get();
    return Subscription([impl, family = std::string{name}, key = render_labels(labels), id] {
        const std::lock_guard held(impl->mutex);
        auto found = impl->families.find(family);
        if (found == impl->families.end()) {
            return;
        }
        auto entry = found->second.series.find(key);
        if (entry != found->second.series.end() && entry->second.id == id) {
            found->second.series.erase(entry);
        }
    });
}

std::string Registry::exposition() const {
    const std::lock_guard lock(impl_->mutex);
    std::string out;
    for (const auto& [name, family] : impl_->families) {
        if (family.series.empty()) {
            continue;
        }
        out += "# HELP " + name + " " + escape(family.help, false) + "\n";
        out += "# TYPE " + name + " " + std::string{type_name(family.type)} + "\n";
        for (const auto& [key, series] : family.series) {
            if (const auto* counter = std::get_if<std::unique_ptr<Counter>>(&series.value)) {
                append_sample(out, name, "", key, std::to_string((*counter)->value()));
            } else if (const auto* gauge = std::get_if<std::unique_ptr<Gauge>>(&series.value)) {
                append_sample(out, name, "", key, std::to_string((*gauge)->value()));
            } else if (const auto* read = std::get_if<std::function<double()>>(&series.value)) {
                append_sample(out, name, "", key, number((*read)()));
            } else {
                const Histogram& histogram = *std::get<std::unique_ptr<Histogram>>(series.value);
                const auto& bounds = histogram.bounds();
                for (std::size_t i = 0; i <= bounds.size(); ++i) {
                    const std::string le = i < bounds.size() ? number(bounds[i]) : "+Inf";
                    append_sample(out, name, "_bucket", render_labels(series.labels, "le", le),
                                  std::to_string(histogram.cumulative(i)));
                }
                append_sample(out, name, "_sum", key, number(histogram.sum()));
                append_sample(out, name, "_count", key,
                              std::to_string(histogram.cumulative(bounds.size())));
            }
        }
    }
    return out;
}

Registry& registry() {
    // Never destroyed: plugins and threads may count until the process is gone.
    static auto* const process_registry = new Registry();
    return *process_registry;
}

}  // namespace parley::metrics

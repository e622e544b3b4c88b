#pragma once
// Metrics a process exposes to Prometheus (parleyd's admin listener serves them at /metrics in
// the text format 0.0.4). Core and plugins register in the process's one registry:
//
//     auto& sent = parley::metrics::registry().counter(
//         "parley_dice_rolls_total", "Dice rolled.", {{"sides", "6"}});
//     sent.add();  // on any thread, lock-free
//
// Registering is get-or-create: the same name and labels give the same series, so a plugin set
// up twice in one process (tests) counts on. Values live in the registry for the life of the
// process; only function gauges (gauge_function) end, when their handle goes.

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/config.hpp>

#include <parley/subscription.hpp>

namespace parley::metrics {

/// Label name and value pairs, e.g. {{"code", "1000"}}. Names are [a-zA-Z_][a-zA-Z0-9_]*.
using Labels = std::vector<std::pair<std::string, std::string>>;

/// A count that only goes up. add() costs one uncontended atomic add: the count is kept in
/// per-thread shards (one cache line each), summed when read, so event loops counting the same
/// thing never bounce a cache line between cores.
class BOOST_SYMBOL_VISIBLE Counter {
  public:
    void add(std::uint64_t n = 1) noexcept {
        shards_[shard_index()].value.fetch_add(n, std::memory_order_relaxed);
    }
    std::uint64_t value() const noexcept;

    static constexpr std::size_t kShards = 8;

  private:
    struct alignas(64) Shard {
        std::atomic<std::uint64_t> value{0};
    };
    /// The calling thread's shard, fixed for the thread's life.
    static std::size_t shard_index() noexcept;

    std::array<Shard, kShards> shards_{};
};

/// A value that goes up and down. Thread safe.
class BOOST_SYMBOL_VISIBLE Gauge {
  public:
    void set(std::int64_t value) noexcept { value_.store(value, std::memory_order_relaxed); }
    void add(std::int64_t delta) noexcept { value_.fetch_add(delta, std::memory_order_relaxed); }
    std::int64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

  private:
    std::atomic<std::int64_t> value_{0};
};

/// Observations counted into fixed buckets (upper bounds, ascending; +Inf is implied), with
/// their count and sum. Thread safe and lock-free.
class BOOST_SYMBOL_VISIBLE Histogram {
  public:
    explicit Histogram(std::vector<double> bounds);
    void observe(double value) noexcept;

    const std::vector<double>& bounds() const noexcept { return bounds_; }
    /// Observations <= bounds()[i] (cumulative, as exposed); index bounds().size() is +Inf.
    std::uint64_t cumulative(std::size_t index) const noexcept;
    double sum() const noexcept;

  private:
    std::vector<double> bounds_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  ///< per bucket, not cumulative
    std::atomic<std::uint64_t> sum_bits_{0};                 ///< a double's bits
};

/// Seconds from 100 microseconds to 10 seconds: for backend call latency.
std::vector<double> latency_buckets();

/// Every metric of the process, by name. Registering takes a lock; counting takes none.
class BOOST_SYMBOL_VISIBLE Registry {
  public:
    Registry();
    ~Registry();
    Registry(const Registry&) = delete;
    Registry& operator=(const Registry&) = delete;

    /// The series `name{labels}`, created on first use. Throws std::invalid_argument for a bad
    /// name or label, or a name already registered as another type. `help` is kept from the
    /// first registration. The reference stays valid for the registry's life.
    Counter& counter(std::string_view name, std::string_view help, const Labels& labels = {});
    Gauge& gauge(std::string_view name, std::string_view help, const Labels& labels = {});
    /// `bounds` must be ascending and finite; a series registered again keeps its first bounds.
    Histogram& histogram(std::string_view name, std::string_view help, std::vector<double> bounds,
                         const Labels& labels = {});
    /// A gauge read by calling `read` at each exposition (under the registry's lock: keep it
    /// quick, and thread safe). Exposed until the handle is reset or destroyed.
    [[nodiscard]] Subscription gauge_function(std::string_view name, std::string_view help,
                                              const Labels& labels, std::function<double()> read);

    /// Every metric in the Prometheus text exposition format 0.0.4, families sorted by name.
    std::string exposition() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// The process's registry, which parleyd exposes.
Registry& registry();

}  // namespace parley::metrics

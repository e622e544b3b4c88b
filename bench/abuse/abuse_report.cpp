#include "abuse_report.hpp"

#include <algorithm>
#include <limits>
#include <optional>

#include "json_writer.hpp"

namespace parley::bench::abuse {

namespace {

/// The innocent's round trips sent within [begin, end).
struct LatencySummary {
    std::uint64_t sent = 0;
    std::uint64_t unanswered = 0;  ///< no answer at all (or not sent: A was not logged in)
    std::uint64_t refused = 0;
    std::optional<double> p50_ms;  ///< nothing when the quantile falls on an unanswered one
    std::optional<double> p99_ms;
    std::optional<double> max_answered_ms;
};

/// Which of a sample's latencies a summary is about.
using LatencyOf = std::int64_t (*)(const InnocentSample&);
std::int64_t ack_latency(const InnocentSample& sample) {
    return sample.latency_ns;
}
std::int64_t delivery_latency(const InnocentSample& sample) {
    return sample.delivery_ns;
}

LatencySummary summarise(const std::vector<InnocentSample>& samples, std::uint64_t begin,
                         std::uint64_t end, LatencyOf latency_of) {
    LatencySummary summary;
    std::vector<std::int64_t> latencies;  // unanswered ones as "infinite"
    for (const auto& sample : samples) {
        if (sample.sent_ns < begin || sample.sent_ns >= end) {
            continue;
        }
        ++summary.sent;
        const auto latency = latency_of(sample);
        if (latency < 0) {
            ++summary.unanswered;
            latencies.push_back(std::numeric_limits<std::int64_t>::max());
            continue;
        }
        summary.refused += sample.refused ? 1 : 0;
        latencies.push_back(latency);
        const double ms = static_cast<double>(latency) / 1e6;
        summary.max_answered_ms = std::max(summary.max_answered_ms.value_or(0), ms);
    }
    if (latencies.empty()) {
        return summary;
    }
    std::sort(latencies.begin(), latencies.end());
    const auto at = [&latencies](double quantile) -> std::optional<double> {
        // Nearest rank: the smallest value with at least `quantile` of the values at or below it.
        auto rank =
            static_cast<std::size_t>(quantile * static_cast<double>(latencies.size()) + 0.999999);
        rank = std::clamp<std::size_t>(rank, 1, latencies.size());
        const auto value = latencies[rank - 1];
        if (value == std::numeric_limits<std::int64_t>::max()) {
            return std::nullopt;
        }
        return static_cast<double>(value) / 1e6;
    };
    summary.p50_ms = at(0.50);
    summary.p99_ms = at(0.99);
    return summary;
}

bool window_good(const LatencySummary& window, double bound_ms) {
    return window.sent > 0 && window.unanswered == 0 && window.refused == 0 && window.p99_ms &&
           *window.p99_ms <= bound_ms;
}

/// Seconds from the attack's end to the first 500 ms window from which on every window kept
/// the bound, for the ACKs and for the deliveries to B; nothing when the last window did not.
std::optional<double> recovered_in(const AbuseOptions& options, const RunRecord& record) {
    const auto& samples = record.innocent->samples();
    const auto begin = record.timeline.attack_end_ns;
    std::optional<std::uint64_t> good_since;
    for (auto at = begin; at + kRecoveryWindowNs <= record.end_ns; at += kRecoveryWindowNs) {
        const auto acks = summarise(samples, at, at + kRecoveryWindowNs, ack_latency);
        const auto deliveries = summarise(samples, at, at + kRecoveryWindowNs, delivery_latency);
        if (!window_good(acks, options.latency_bound_ms) ||
            !window_good(deliveries, options.latency_bound_ms)) {
            good_since.reset();
        } else if (!good_since) {
            good_since = at;
        }
    }
    if (!good_since) {
        return std::nullopt;
    }
    return static_cast<double>(*good_since - begin) / 1e9;
}

void write_optional(JsonWriter& json, std::string_view key, const std::optional<double>& value) {
    json.key(key);
    if (value) {
        json.value(*value);
    } else {
        json.null();
    }
}

void write_summary(JsonWriter& json, std::string_view key, const LatencySummary& summary) {
    json.key(key).begin_object();
    json.key("sent").value(summary.sent);
    json.key("unanswered").value(summary.unanswered);
    json.key("refused").value(summary.refused);
    write_optional(json, "p50_ms", summary.p50_ms);
    write_optional(json, "p99_ms", summary.p99_ms);
    write_optional(json, "max_answered_ms", summary.max_answered_ms);
    json.end_object();
}

double seconds_between(std::uint64_t from, std::uint64_t to) {
    return to > from ? static_cast<double>(to - from) / 1e9 : 0.0;
}

/// The node's CPU use and run-queue wait over [begin, end], as shares of one CPU, from the
/// first and last samples inside it.
void write_node_cpu(JsonWriter& json, const std::vector<RssSample>& samples, std::uint64_t begin,
                    std::uint64_t end) {
    const RssSample* first = nullptr;
    const RssSample* last = nullptr;
    for (const auto& sample : samples) {
        if (sample.at_ns >= begin && sample.at_ns <= end) {
            first = first == nullptr ? &sample : first;
            last = &sample;
        }
    }
    json.key("node_during_attack").begin_object();
    if (first != nullptr && last != first) {
        const double wall = seconds_between(first->at_ns, last->at_ns);
        json.key("cpu_share").value((last->cpu_s - first->cpu_s) / wall);
        json.key("waited_for_cpu_share").value((last->run_delay_s - first->run_delay_s) / wall);
    }
    json.end_object();
}

}  // namespace

std::string abuse_report_json(const AbuseOptions& options, const RunRecord& record) {
    const auto& t = record.timeline;
    const auto& samples = record.innocent->samples();
    const auto baseline = summarise(samples, t.baseline_begin_ns, t.attack_begin_ns, ack_latency);
    const auto attack = summarise(samples, t.attack_begin_ns, t.attack_end_ns, ack_latency);
    const auto recovery = summarise(samples, t.attack_end_ns, record.end_ns, ack_latency);
    const auto baseline_delivery =
        summarise(samples, t.baseline_begin_ns, t.attack_begin_ns, delivery_latency);
    const auto attack_delivery =
        summarise(samples, t.attack_begin_ns, t.attack_end_ns, delivery_latency);
    const auto recovery_delivery =
        summarise(samples, t.attack_end_ns, record.end_ns, delivery_latency);
    const auto recovered = recovered_in(options, record);

    // Memory: the last sample before the attack is the baseline; peak over attack and recovery.
    std::uint64_t rss_baseline = 0;
    std::uint64_t rss_peak = 0;
    std::uint64_t rss_attack_end = 0;
    std::uint64_t rss_end = 0;
    for (const auto& sample : record.rss) {
        if (sample.at_ns < t.attack_begin_ns) {
            rss_baseline = sample.kib;
        } else {
            rss_peak = std::max(rss_peak, sample.kib);
        }
        if (sample.at_ns <= t.attack_end_ns) {
            rss_attack_end = sample.kib;
        }
        rss_end = sample.kib;
    }
    const double growth_mib =
        static_cast<double>(rss_peak > rss_baseline ? rss_peak - rss_baseline : 0) / 1024.0;

    JsonWriter json;
    json.begin_object();
    json.key("attack").value(to_string(options.attack));
    json.key("label").value(options.label);
    json.key("setup_complete").value(t.setup_complete);
    json.key("phases_s").begin_object();
    json.key("setup").value(seconds_between(t.setup_begin_ns, t.baseline_begin_ns));
    json.key("baseline").value(seconds_between(t.baseline_begin_ns, t.attack_begin_ns));
    json.key("attack").value(seconds_between(t.attack_begin_ns, t.attack_end_ns));
    json.key("recovery").value(seconds_between(t.attack_end_ns, record.end_ns));
    json.end_object();

    json.key("innocent").begin_object();
    json.key("rate_per_s").value(options.innocent_rate);
    // ack: A's message to its ACK; delivery: A's message to its arrival at B.
    write_summary(json, "baseline", baseline);
    write_summary(json, "attack", attack);
    write_summary(json, "recovery", recovery);
    write_summary(json, "baseline_delivery", baseline_delivery);
    write_summary(json, "attack_delivery", attack_delivery);
    write_summary(json, "recovery_delivery", recovery_delivery);
    json.key("delivered_to_b").value(record.innocent->delivered());
    json.key("events").begin_array();
    for (const auto& event : record.innocent->events()) {
        json.begin_object();
        json.key("at_s").value(seconds_between(t.setup_begin_ns, event.at_ns));
        json.key("what").value(event.what);
        json.end_object();
    }
    json.end_array();
    json.end_object();

    json.key("latency_bound_ms").value(options.latency_bound_ms);
    const auto within = [&options](const LatencySummary& summary) {
        return summary.unanswered == 0 && summary.p99_ms &&
               *summary.p99_ms <= options.latency_bound_ms;
    };
    json.key("attack_within_latency_bound").value(within(attack) && within(attack_delivery));
    write_optional(json, "recovered_in_s", recovered);

    json.key("rss_kib").begin_object();
    json.key("baseline").value(rss_baseline);
    json.key("peak").value(rss_peak);
    json.key("attack_end").value(rss_attack_end);
    json.key("end").value(rss_end);
    json.end_object();
    write_node_cpu(json, record.rss, t.attack_begin_ns, t.attack_end_ns);
    json.key("memory_bound").begin_object();
    json.key("allowed_growth_mib").value(options.memory_bound_mib);
    json.key("basis").value(options.memory_bound_basis);
    json.key("peak_growth_mib").value(growth_mib);
    json.key("within");
    if (options.memory_bound_mib > 0) {
        json.value(growth_mib <= options.memory_bound_mib);
    } else {
        json.null();  // no bound given
    }
    json.end_object();

    json.key("attacker").begin_object();
    json.key("cpu_share")
        .value(t.attack_cpu_s / seconds_between(t.attack_begin_ns, t.attack_end_ns));
    record.attack->write_counters(json);
    json.key("answers").begin_object();
    for (const auto& [answer, count] : record.attack->answers()) {
        json.key(answer).value(count);
    }
    json.end_object();
    json.end_object();

    // The innocent per 500 ms window, from the baseline on: where in the run latency went.
    json.key("innocent_windows").begin_array();
    for (auto at = t.baseline_begin_ns; at + kRecoveryWindowNs <= record.end_ns;
         at += kRecoveryWindowNs) {
        const auto acks = summarise(samples, at, at + kRecoveryWindowNs, ack_latency);
        const auto deliveries = summarise(samples, at, at + kRecoveryWindowNs, delivery_latency);
        json.begin_object();
        json.key("at_s").value(seconds_between(t.setup_begin_ns, at));
        write_optional(json, "ack_p99_ms", acks.p99_ms);
        write_optional(json, "ack_max_ms", acks.max_answered_ms);
        write_optional(json, "delivery_p99_ms", deliveries.p99_ms);
        json.key("unanswered").value(acks.unanswered);
        json.key("undelivered").value(deliveries.unanswered);
        json.end_object();
    }
    json.end_array();

    // [seconds since set-up, VmRSS KiB, node CPU seconds, node run-queue wait seconds]
    json.key("rss_timeline").begin_array();
    for (const auto& sample : record.rss) {
        json.begin_array();
        json.value(seconds_between(t.setup_begin_ns, sample.at_ns));
        json.value(sample.kib);
        json.value(sample.cpu_s);
        json.value(sample.run_delay_s);
        json.end_array();
    }
    json.end_array();
    json.end_object();
    return json.str();
}

}  // namespace parley::bench::abuse

#include "recovery.hpp"

#include <algorithm>

namespace parley::tools {
namespace {

/// Per bucket from `from` to `to`: messages sent in it, and how many flowed normally.
struct Buckets {
    std::vector<int> sent;
    std::vector<int> good;

    bool healthy(std::size_t i) const { return sent[i] > 0 && good[i] == sent[i]; }
};

Buckets fill(const RunLog& log, std::int64_t from, std::int64_t to,
             const RecoverySettings& settings) {
    Buckets out;
    if (to <= from) {
        return out;
    }
    const auto count = static_cast<std::size_t>((to - from) / settings.bucket_ms);
    out.sent.assign(count, 0);
    out.good.assign(count, 0);
    for (const auto& [key, message] : log.messages()) {
        if (message.sent < from || message.sent >= to) {
            continue;
        }
        const auto i = static_cast<std::size_t>((message.sent - from) / settings.bucket_ms);
        if (i >= count) {
            continue;
        }
        ++out.sent[i];
        if (flowed_normally(log, message, settings.latency_ms)) {
            ++out.good[i];
        }
    }
    return out;
}

}  // namespace

bool flowed_normally(const RunLog& log, const SentMessage& m, std::int64_t latency_ms) {
    if (!m.acked || *m.acked - m.sent > latency_ms || !m.errors.empty()) {
        return false;
    }
    const std::int64_t deadline = m.sent + latency_ms;
    for (const auto recipient : log.recipients(m)) {
        if (!log.connected_throughout(recipient, m.sent, deadline)) {
            continue;
        }
        const auto it = m.deliveries.find(recipient);
        if (it == m.deliveries.end() ||
            std::none_of(it->second.begin(), it->second.end(),
                         [&](std::int64_t t) { return t <= deadline; })) {
            return false;
        }
    }
    return true;
}

std::vector<std::optional<std::int64_t>> recovery_times(const RunLog& log,
                                                        const std::vector<FaultRound>& rounds,
                                                        const RecoverySettings& settings) {
    std::vector<std::optional<std::int64_t>> out;
    for (std::size_t r = 0; r < rounds.size(); ++r) {
        const std::int64_t end = rounds[r].end;
        const std::int64_t limit = r + 1 < rounds.size() ? rounds[r + 1].start : log.drain_start();
        const Buckets buckets = fill(log, end, limit, settings);
        std::optional<std::int64_t> found;
        int run = 0;
        for (std::size_t i = 0; i < buckets.sent.size(); ++i) {
            run = buckets.healthy(i) ? run + 1 : 0;
            if (run == settings.healthy_run) {
                found = static_cast<std::int64_t>(i + 1 - run) * settings.bucket_ms;
                break;
            }
        }
        out.push_back(found);
    }
    return out;
}

double baseline_health(const RunLog& log, const std::vector<FaultRound>& rounds,
                       const RecoverySettings& settings) {
    const std::int64_t to = rounds.empty() ? log.drain_start() : rounds.front().start;
    const Buckets buckets = fill(log, log.traffic_start(), to, settings);
    if (buckets.sent.empty()) {
        return 0.0;
    }
    int healthy = 0;
    for (std::size_t i = 0; i < buckets.sent.size(); ++i) {
        healthy += buckets.healthy(i) ? 1 : 0;
    }
    return static_cast<double>(healthy) / static_cast<double>(buckets.sent.size());
}

}  // namespace parley::tools

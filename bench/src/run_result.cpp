#include "run_result.hpp"

#include <algorithm>

namespace parley::bench {
namespace {
constexpr std::size_t kErrorsKept = 8;
}  // namespace

void RunResult::note_error(std::string message) {
    ++error_count;
    if (errors.size() < kErrorsKept &&
        std::find(errors.begin(), errors.end(), message) == errors.end()) {
        errors.push_back(std::move(message));
    }
}

void RunResult::merge(const RunResult& other) {
    sent += other.sent;
    expected += other.expected;
    delivered += other.delivered;
    duplicated += other.duplicated;
    misrouted += other.misrouted;
    malformed += other.malformed;
    self_echoes += other.self_echoes;
    acks += other.acks;
    refused += other.refused;
    sent_in_window += other.sent_in_window;
    delivered_in_window += other.delivered_in_window;
    window_seconds = std::max(window_seconds, other.window_seconds);
    schedule_lag_max_us = std::max(schedule_lag_max_us, other.schedule_lag_max_us);
    latency.merge(other.latency);
    ack_latency.merge(other.ack_latency);
    unacked += other.unacked;
    unexpected_acks += other.unexpected_acks;
    fill_seconds = std::max(fill_seconds, other.fill_seconds);
    sync_rounds += other.sync_rounds;
    first_replay_us = std::max(first_replay_us, other.first_replay_us);
    connections_wanted += other.connections_wanted;
    connections_ready += other.connections_ready;
    connection_failures += other.connection_failures;
    connections_dropped += other.connections_dropped;
    connect_seconds = std::max(connect_seconds, other.connect_seconds);
    login_latency.merge(other.login_latency);
    logins_completed += other.logins_completed;
    if (other.server_rss_before_kib) {
        server_rss_before_kib = other.server_rss_before_kib;
    }
    if (other.server_rss_after_kib) {
        server_rss_after_kib = other.server_rss_after_kib;
    }
    if (other.server_cpu_s) {
        server_cpu_s = other.server_cpu_s;
        server_run_delay_s = other.server_run_delay_s;
    }
    window_cpu_seconds += other.window_cpu_seconds;
    if (tls.empty()) {
        tls = other.tls;
    }
    error_count += other.error_count - other.errors.size();
    for (const auto& error : other.errors) {
        note_error(error);
    }
}

}  // namespace parley::bench

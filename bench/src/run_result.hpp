#pragma once
// What one generator thread measured; the threads' results are merged into the run's.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "histogram.hpp"

namespace parley::bench {

struct RunResult {
    // Messages (private and group workloads).
    std::uint64_t sent = 0;
    std::uint64_t expected = 0;   ///< deliveries due: sent x recipients per message
    std::uint64_t delivered = 0;  ///< deliveries that were due, each counted once
    std::uint64_t duplicated = 0;
    std::uint64_t misrouted = 0;    ///< arrived at a user it was not for
    std::uint64_t malformed = 0;    ///< content without a readable stamp
    std::uint64_t self_echoes = 0;  ///< a group member's own message coming back (MQTT, Redis)
    std::uint64_t acks = 0;
    std::uint64_t refused = 0;  ///< errors and goodbyes from the server
    std::uint64_t sent_in_window = 0;
    std::uint64_t delivered_in_window = 0;
    double window_seconds = 0;
    double schedule_lag_max_us = 0;  ///< open loop: how late the pacer got
    LatencyHistogram latency;        ///< delivery latency, send to arrival
    // Durable runs: acknowledgements to the sender.
    LatencyHistogram ack_latency;       ///< send to the sender's acknowledgement
    std::uint64_t unacked = 0;          ///< sent but never acknowledged
    std::uint64_t unexpected_acks = 0;  ///< acknowledgements of nothing outstanding
    // Sync: the replay to a user who logs in after being offline.
    double fill_seconds = 0;        ///< sending the messages while the user was offline
    std::uint64_t sync_rounds = 0;  ///< SYNC DONE frames, the login's included
    double first_replay_us = 0;     ///< login started to first replayed message

    // Connections.
    std::uint64_t connections_wanted = 0;
    std::uint64_t connections_ready = 0;
    std::uint64_t connection_failures = 0;
    std::uint64_t connections_dropped = 0;  ///< closed after they were ready
    double connect_seconds = 0;
    LatencyHistogram login_latency;  ///< connect to login complete

    // Connect storm.
    std::uint64_t logins_completed = 0;

    // Idle.
    std::optional<std::uint64_t> server_rss_before_kib;
    std::optional<std::uint64_t> server_rss_after_kib;

    // The server over the measured window (thread 0 samples it, when its pid is known).
    std::optional<double> server_cpu_s;
    std::optional<double> server_run_delay_s;

    // The generator itself, over the measured window.
    double window_cpu_seconds = 0;

    std::string tls;  ///< TLS version and cipher of the first connection ready, if TLS was used

    std::uint64_t error_count = 0;
    std::vector<std::string> errors;  ///< the first few, for the report

    void note_error(std::string message);
    void merge(const RunResult& other);
};

}  // namespace parley::bench

#pragma once
// What the Kafka log itself can do for the transport's records, with none of Parley around it:
// one idempotent producer (acks=all, the transport's linger and socket settings) writes N records
// shaped like transport-kafka's (decimal recipient key, the 23-byte "parley-envelope" header, a
// value of the given size) while one consumer-group member, with the transport's fetch settings,
// reads them back and stores each offset after taking the record. Each value carries a sequence
// number and its send time, so the run can say what was lost or came twice, and how long each
// record took end to end.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace parley::bench {

struct CeilingOptions {
    std::string brokers;
    std::uint64_t records = 100000;
    std::size_t value_size = 100;  ///< bytes; at least 16 (sequence and send time)
    std::uint32_t recipients = 1000;
    std::string topic;  ///< empty: a new one per run
    std::chrono::seconds timeout{120};
};

struct CeilingResult {
    std::uint64_t produced = 0;  ///< delivery reports without error
    std::uint64_t produce_errors = 0;
    std::uint64_t consumed = 0;  ///< distinct records read back
    std::uint64_t duplicated = 0;
    double produce_seconds = 0;      ///< first produce call to last delivery report
    double end_to_end_seconds = 0;   ///< first produce call to last record read back
    std::vector<double> latency_us;  ///< produce call to consumption, per record, sorted
    std::string problem;             ///< empty when every record was produced and read back once

    std::uint64_t lost(std::uint64_t records) const {
        return records > consumed ? records - consumed : 0;
    }
};

/// Runs one produce-and-consume pass; throws std::runtime_error when Kafka cannot be reached.
CeilingResult run_ceiling(const CeilingOptions& options);

}  // namespace parley::bench

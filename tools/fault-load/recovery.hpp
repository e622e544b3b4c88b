#pragma once
// How long after a fault was undone traffic flowed normally again. Time after the fault's end
// is cut into buckets (1 s); a bucket is healthy when messages were sent in it and every one
// was ACKed within `latency`, drew no error, and reached within `latency` every recipient that
// stayed logged in meanwhile. Traffic has recovered at the first of `healthy_run` healthy
// buckets in a row; the recovery time is from the fault's end to that bucket's start.

#include <cstdint>
#include <optional>
#include <vector>

#include "run_log.hpp"
#include "timeline.hpp"

namespace parley::tools {

struct RecoverySettings {
    std::int64_t bucket_ms = 1000;
    std::int64_t latency_ms = 2000;
    int healthy_run = 3;
};

/// True when `message` went through as it does when nothing fails (see above).
bool flowed_normally(const RunLog& log, const SentMessage& message, std::int64_t latency_ms);

/// For each round (in order), the recovery time in ms, or nullopt when traffic had not
/// recovered before the next round began (or the traffic ended).
std::vector<std::optional<std::int64_t>> recovery_times(const RunLog& log,
                                                        const std::vector<FaultRound>& rounds,
                                                        const RecoverySettings& settings);

/// The share of healthy buckets between the start of traffic and the first fault: a run whose
/// baseline is not near 1 measures the machine, not the faults.
double baseline_health(const RunLog& log, const std::vector<FaultRound>& rounds,
                       const RecoverySettings& settings);

}  // namespace parley::tools

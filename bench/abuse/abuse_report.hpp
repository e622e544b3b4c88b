#pragma once
// Turns what a run recorded (the innocent's samples, the node's memory over time, the
// attacker's answers) into the JSON object parley-abuse prints: latency per phase, how soon
// after the attack the innocent was served as before, peak and final memory against the bound.

#include <cstdint>
#include <string>
#include <vector>

#include "abuse_options.hpp"
#include "attack.hpp"
#include "innocent_pair.hpp"

namespace parley::bench::abuse {

/// The node, read every 100 ms: resident memory, and the CPU time its threads used and spent
/// waiting for a CPU so far (the machine is shared with the attacker and whatever else runs).
struct RssSample {
    std::uint64_t at_ns = 0;
    std::uint64_t kib = 0;
    double cpu_s = 0;
    double run_delay_s = 0;
};

struct RunRecord {
    AttackTimeline timeline;
    std::uint64_t end_ns = 0;
    std::vector<RssSample> rss;
    const InnocentPair* innocent = nullptr;
    const Attack* attack = nullptr;
};

/// Length of the windows the recovery is judged in.
inline constexpr std::uint64_t kRecoveryWindowNs = 500'000'000;

std::string abuse_report_json(const AbuseOptions& options, const RunRecord& record);

}  // namespace parley::bench::abuse

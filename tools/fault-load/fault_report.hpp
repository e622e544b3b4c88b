#pragma once
// The findings of a run laid against its fault timeline: per round and per kind of fault, as a
// text table and as JSON.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "delivery_check.hpp"
#include "run_log.hpp"
#include "timeline.hpp"

namespace parley::tools {

struct Tally {
    int rounds = 0;
    long sent = 0;
    long acked = 0;
    long server_errors = 0;
    long local_errors = 0;
    std::array<long, kFindingCount> findings{};
    std::vector<std::int64_t> recoveries;  ///< ms, of the rounds that recovered
    int unrecovered = 0;

    long count(Finding f) const { return findings[static_cast<int>(f)]; }
    long defects() const;
};

struct Report {
    bool message_log = false;
    double baseline_health = 0.0;
    std::string parameters;  ///< free text: how the run was made
    std::vector<FaultRound> rounds;
    std::vector<Tally> per_round;
    std::vector<std::optional<std::int64_t>> recovery;  ///< per round
    /// "baseline" (before the first fault), then each kind in the order of first use.
    std::vector<std::pair<std::string, Tally>> per_kind;
    Tally total;
};

/// A round begins this long before its fault: a message sent just before the fault is still
/// in flight when it strikes.
inline constexpr std::int64_t kRoundLeadMs = 1000;

/// The round a moment belongs to: from its fault's start (less kRoundLeadMs) to the next
/// one's; -1 before the first.
int round_at(const std::vector<FaultRound>& rounds, std::int64_t ms);

Report build_report(const RunLog& log, const std::vector<FaultRound>& rounds,
                    const std::vector<Anomaly>& anomalies,
                    const std::vector<std::optional<std::int64_t>>& recovery);

void write_text(std::ostream& out, const Report& report);
void write_json(std::ostream& out, const Report& report);
/// Every finding, one a line, with its round: for reading the logs around it.
void write_anomalies(std::ostream& out, const std::vector<Anomaly>& anomalies,
                     const std::vector<FaultRound>& rounds);

}  // namespace parley::tools

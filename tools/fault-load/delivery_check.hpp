#pragma once
// What went wrong with the messages of a run, each finding stamped with the moment it belongs
// to (when the message was sent, handed over or refused), so it can be laid against the fault
// timeline. docs/reliability.md defines each finding.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "run_log.hpp"

namespace parley::tools {

enum class Finding {
    lost,               ///< ACKed, never handed to a recipient who could have had it
    duplicate,          ///< handed to one recipient's application more than once
    order,              ///< handed before an earlier message of its conversation
    untrue_1005,        ///< DELIVERY_FAILED while the recipient stayed logged in
    untrue_1003,        ///< RECIPIENT_UNAVAILABLE while the recipient was logged in
    refused_delivered,  ///< answered with a server error, and delivered all the same
    missed,             ///< push only: not handed to a recipient whose connection dropped
    unanswered,         ///< neither ACK nor ERROR by the end of the run
    corrupt,            ///< a body that names another author or id, or no sent record
    /// push only: a group message answered 2000 that some members had all the same (a copy
    /// for another node failed; docs/plugins/handler-group.md)
    group_partial,
};

inline constexpr int kFindingCount = 10;
std::string_view finding_name(Finding finding);
/// Findings that break the guarantee (the others are for information).
bool is_defect(Finding finding);

struct Anomaly {
    Finding what = Finding::lost;
    std::int64_t ms = 0;
    std::string detail;
};

struct CheckSettings {
    /// Delivery model: a message log (ACKed means delivered once the recipient logs in again)
    /// or push only (ACKed means delivered to a recipient that stays connected). Automatic
    /// takes a message log when some message came with a seq.
    enum class Mode { automatic, log, push } mode = Mode::automatic;
    /// Push only: how long after the ACK the recipient must stay connected for a missing
    /// message to count as lost.
    std::int64_t grace_ms = 3000;
};

bool uses_message_log(const RunLog& log, const CheckSettings& settings);
std::vector<Anomaly> find_anomalies(const RunLog& log, const CheckSettings& settings);

}  // namespace parley::tools

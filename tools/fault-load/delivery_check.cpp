#include "delivery_check.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

namespace parley::tools {
namespace {

constexpr std::uint32_t kRecipientUnavailable = 1003;
constexpr std::uint32_t kDeliveryFailed = 1005;
constexpr std::uint32_t kBackendUnavailable = 2000;

std::string describe(const SentMessage& m) {
    std::ostringstream out;
    out << "message " << m.sender << "/" << m.id << " to " << (m.group ? "group " : "user ")
        << m.peer << " sent " << m.sent;
    if (m.acked) {
        out << " acked +" << (*m.acked - m.sent) << "ms";
    }
    return out.str();
}

class Findings {
  public:
    void add(Finding what, std::int64_t ms, std::string detail) {
        out_.push_back(Anomaly{what, ms, std::move(detail)});
    }
    std::vector<Anomaly> take() { return std::move(out_); }

  private:
    std::vector<Anomaly> out_;
};

/// Push only, a group message is handed to the members on the sender's node, and on each node
/// whose copy the transport took, before the answer: a 2000 (a copy failed) may come for a
/// message some members have. Documented, so not a refusal the message belied.
bool documented_partial_group(const SentMessage& m, bool message_log) {
    if (message_log || !m.group) {
        return false;
    }
    return std::all_of(m.errors.begin(), m.errors.end(), [](const auto& error) {
        return error.local || error.code == kBackendUnavailable;
    });
}

void check_answers(const RunLog& log, const SentMessage& m, bool message_log, Findings& findings) {
    if (!m.acked && m.errors.empty()) {
        findings.add(Finding::unanswered, m.sent, describe(m));
    }
    for (const auto& error : m.errors) {
        if (error.local || m.group) {
            continue;
        }
        const bool stayed = log.connected_throughout(m.peer, m.sent, error.ms);
        if (error.code == kDeliveryFailed && stayed) {
            findings.add(Finding::untrue_1005, error.ms,
                         describe(m) + ", 1005 +" + std::to_string(error.ms - m.sent) +
                             "ms; recipient on " + log.node_at(m.peer, error.ms));
        } else if (error.code == kRecipientUnavailable && stayed) {
            findings.add(Finding::untrue_1003, error.ms,
                         describe(m) + ", 1003 +" + std::to_string(error.ms - m.sent) +
                             "ms; recipient on " + log.node_at(m.peer, error.ms));
        }
    }
    if (m.server_error() && !m.deliveries.empty()) {
        std::string codes;
        for (const auto& error : m.errors) {
            codes += (codes.empty() ? "" : ",") + std::to_string(error.code);
        }
        findings.add(documented_partial_group(m, message_log) ? Finding::group_partial
                                                              : Finding::refused_delivered,
                     m.sent,
                     describe(m) + ", errors " + codes + ", delivered to " +
                         std::to_string(m.deliveries.size()));
    }
}

void check_delivered(const RunLog& log, const SentMessage& m, bool message_log,
                     std::int64_t grace_ms, Findings& findings) {
    if (!m.acked || m.server_error()) {
        return;  // nothing promised: the sender heard why
    }
    for (const auto recipient : log.recipients(m)) {
        if (m.deliveries.contains(recipient)) {
            continue;
        }
        const std::string detail = describe(m) + ", not to " + std::to_string(recipient) + " (on " +
                                   log.node_at(recipient, m.sent) + " at the send)";
        if (message_log) {
            if (log.connected_after(recipient, *m.acked)) {
                findings.add(Finding::lost, m.sent, detail);
            }
        } else if (log.connected_throughout(recipient, m.sent, *m.acked + grace_ms)) {
            findings.add(Finding::lost, m.sent, detail);
        } else {
            findings.add(Finding::missed, m.sent, detail);
        }
    }
}

/// Duplicates and order, per recipient and conversation, in the order of handing over.
void check_sequence(const RunLog& log, bool message_log, Findings& findings) {
    using Conversation = std::tuple<std::uint32_t, bool, std::uint32_t>;
    struct State {
        std::map<std::uint32_t, std::uint64_t> last_id;  ///< per author
        std::uint64_t last_seq = 0;
    };
    std::map<Conversation, State> states;
    std::set<std::tuple<std::uint32_t, std::uint32_t, std::uint64_t>> seen;
    for (const auto& r : log.received()) {
        const std::string where = "to " + std::to_string(r.receiver) + ": message " +
                                  std::to_string(r.from) + "/" + std::to_string(r.id) +
                                  (r.group ? " in group " + std::to_string(r.peer) : "") + " seq " +
                                  std::to_string(r.seq);
        if (!seen.insert({r.receiver, r.from, r.id}).second) {
            findings.add(Finding::duplicate, r.ms, where);
            continue;
        }
        if (!r.body_matches || !log.messages().contains({r.from, r.id})) {
            findings.add(Finding::corrupt, r.ms, where);
        }
        State& state = states[{r.receiver, r.group, r.peer}];
        std::uint64_t& last_id = state.last_id[r.from];
        if (r.id < last_id) {
            findings.add(Finding::order, r.ms, where + " after id " + std::to_string(last_id));
        } else if (message_log && r.seq != 0 && r.seq <= state.last_seq) {
            findings.add(Finding::order, r.ms,
                         where + " after seq " + std::to_string(state.last_seq));
        }
        last_id = std::max(last_id, r.id);
        state.last_seq = std::max(state.last_seq, r.seq);
    }
}

}  // namespace

std::string_view finding_name(Finding finding) {
    constexpr std::string_view names[kFindingCount] = {
        "lost",   "duplicate",  "order",   "untrue_1005",  "untrue_1003", "refused_delivered",
        "missed", "unanswered", "corrupt", "group_partial"};
    return names[static_cast<int>(finding)];
}

bool is_defect(Finding finding) {
    return finding != Finding::missed && finding != Finding::group_partial;
}

bool uses_message_log(const RunLog& log, const CheckSettings& settings) {
    switch (settings.mode) {
        case CheckSettings::Mode::log:
            return true;
        case CheckSettings::Mode::push:
            return false;
        case CheckSettings::Mode::automatic:
            break;
    }
    return log.message_log_seen();
}

std::vector<Anomaly> find_anomalies(const RunLog& log, const CheckSettings& settings) {
    const bool message_log = uses_message_log(log, settings);
    Findings findings;
    for (const auto& [key, message] : log.messages()) {
        check_answers(log, message, message_log, findings);
        check_delivered(log, message, message_log, settings.grace_ms, findings);
    }
    check_sequence(log, message_log, findings);
    return findings.take();
}

}  // namespace parley::tools

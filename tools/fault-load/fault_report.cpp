#include "fault_report.hpp"

#include <algorithm>
#include <iomanip>
#include <sstream>

namespace parley::tools {
namespace {

/// Findings shown as table columns, in this order.
constexpr Finding kColumns[] = {
    Finding::lost,        Finding::duplicate,         Finding::order,      Finding::untrue_1005,
    Finding::untrue_1003, Finding::refused_delivered, Finding::unanswered, Finding::corrupt,
    Finding::missed,      Finding::group_partial};

void add_message(Tally& tally, const SentMessage& m) {
    ++tally.sent;
    tally.acked += m.acked ? 1 : 0;
    for (const auto& error : m.errors) {
        ++(error.local ? tally.local_errors : tally.server_errors);
    }
}

void merge(Tally& into, const Tally& from) {
    into.rounds += from.rounds;
    into.sent += from.sent;
    into.acked += from.acked;
    into.server_errors += from.server_errors;
    into.local_errors += from.local_errors;
    for (int i = 0; i < kFindingCount; ++i) {
        into.findings[i] += from.findings[i];
    }
    into.recoveries.insert(into.recoveries.end(), from.recoveries.begin(), from.recoveries.end());
    into.unrecovered += from.unrecovered;
}

Tally& kind_tally(Report& report, const std::string& kind) {
    for (auto& [name, tally] : report.per_kind) {
        if (name == kind) {
            return tally;
        }
    }
    return report.per_kind.emplace_back(kind, Tally{}).second;
}

std::string seconds(std::int64_t ms) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(1) << static_cast<double>(ms) / 1000.0;
    return out.str();
}

/// "median/max" seconds of the rounds that recovered, "-" for none, and ">N" unrecovered.
std::string recovery_text(const Tally& t) {
    std::string text = "-";
    if (!t.recoveries.empty()) {
        auto sorted = t.recoveries;
        std::sort(sorted.begin(), sorted.end());
        text = seconds(sorted[sorted.size() / 2]) + "/" + seconds(sorted.back());
    }
    if (t.unrecovered > 0) {
        text += " (" + std::to_string(t.unrecovered) + " never)";
    }
    return text;
}

void table_row(std::ostream& out, const std::string& name, const Tally& t) {
    out << std::left << std::setw(17) << name << std::right << std::setw(7) << t.rounds
        << std::setw(8) << t.sent << std::setw(8) << t.acked << std::setw(7) << t.server_errors
        << std::setw(7) << t.local_errors;
    for (const auto f : kColumns) {
        out << std::setw(static_cast<int>(finding_name(f).size()) + 2) << t.count(f);
    }
    out << "  " << recovery_text(t) << '\n';
}

void table_header(std::ostream& out, const char* first) {
    out << std::left << std::setw(17) << first << std::right << std::setw(7) << "rounds"
        << std::setw(8) << "sent" << std::setw(8) << "acked" << std::setw(7) << "err"
        << std::setw(7) << "local";
    for (const auto f : kColumns) {
        out << std::setw(static_cast<int>(finding_name(f).size()) + 2) << finding_name(f);
    }
    out << "  recovery s (median/max)\n";
}

std::string json_string(const std::string& text) {
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out + "\"";
}

void json_tally(std::ostream& out, const Tally& t) {
    out << "{\"rounds\": " << t.rounds << ", \"sent\": " << t.sent << ", \"acked\": " << t.acked
        << ", \"server_errors\": " << t.server_errors << ", \"local_errors\": " << t.local_errors;
    for (int i = 0; i < kFindingCount; ++i) {
        out << ", \"" << finding_name(static_cast<Finding>(i)) << "\": " << t.findings[i];
    }
    out << ", \"recovery_ms\": [";
    for (std::size_t i = 0; i < t.recoveries.size(); ++i) {
        out << (i == 0 ? "" : ", ") << t.recoveries[i];
    }
    out << "], \"unrecovered\": " << t.unrecovered << "}";
}

}  // namespace

long Tally::defects() const {
    long sum = 0;
    for (int i = 0; i < kFindingCount; ++i) {
        sum += is_defect(static_cast<Finding>(i)) ? findings[i] : 0;
    }
    return sum;
}

int round_at(const std::vector<FaultRound>& rounds, std::int64_t ms) {
    int found = -1;
    for (std::size_t i = 0; i < rounds.size() && rounds[i].start - kRoundLeadMs <= ms; ++i) {
        found = static_cast<int>(i);
    }
    return found;
}

Report build_report(const RunLog& log, const std::vector<FaultRound>& rounds,
                    const std::vector<Anomaly>& anomalies,
                    const std::vector<std::optional<std::int64_t>>& recovery) {
    Report report;
    report.rounds = rounds;
    report.recovery = recovery;
    report.per_round.assign(rounds.size(), Tally{});
    Tally baseline;
    auto tally_at = [&](std::int64_t ms) -> Tally& {
        const int r = round_at(rounds, ms);
        return r < 0 ? baseline : report.per_round[static_cast<std::size_t>(r)];
    };
    for (const auto& [key, message] : log.messages()) {
        add_message(tally_at(message.sent), message);
    }
    for (const auto& anomaly : anomalies) {
        ++tally_at(anomaly.ms).findings[static_cast<int>(anomaly.what)];
    }
    kind_tally(report, "baseline") = baseline;
    for (std::size_t r = 0; r < rounds.size(); ++r) {
        Tally& t = report.per_round[r];
        t.rounds = 1;
        if (r < recovery.size() && recovery[r]) {
            t.recoveries.push_back(*recovery[r]);
        } else {
            t.unrecovered = 1;
        }
        merge(kind_tally(report, rounds[r].kind), t);
    }
    for (const auto& [kind, tally] : report.per_kind) {
        merge(report.total, tally);
    }
    return report;
}

void write_text(std::ostream& out, const Report& report) {
    out << "Fault-injection run: " << report.parameters << '\n'
        << "delivery model: " << (report.message_log ? "message log" : "push only")
        << "; baseline health " << std::fixed << std::setprecision(2) << report.baseline_health
        << " (share of healthy seconds before the first fault)\n\n";
    table_header(out, "kind");
    for (const auto& [kind, tally] : report.per_kind) {
        table_row(out, kind, tally);
    }
    table_row(out, "total", report.total);
    out << "\nPer round:\n";
    table_header(out, "round");
    for (std::size_t r = 0; r < report.rounds.size(); ++r) {
        const auto& round = report.rounds[r];
        table_row(out, std::to_string(round.round) + " " + round.kind, report.per_round[r]);
        out << "    " << round.target << ", held " << seconds(round.end - round.start) << " s\n";
    }
}

void write_json(std::ostream& out, const Report& report) {
    out << "{\n  \"parameters\": " << json_string(report.parameters)
        << ",\n  \"delivery_model\": \"" << (report.message_log ? "message-log" : "push")
        << "\",\n  \"baseline_health\": " << report.baseline_health << ",\n  \"kinds\": {";
    bool first = true;
    for (const auto& [kind, tally] : report.per_kind) {
        out << (first ? "\n" : ",\n") << "    " << json_string(kind) << ": ";
        json_tally(out, tally);
        first = false;
    }
    out << "\n  },\n  \"total\": ";
    json_tally(out, report.total);
    out << ",\n  \"rounds\": [";
    for (std::size_t r = 0; r < report.rounds.size(); ++r) {
        const auto& round = report.rounds[r];
        out << (r == 0 ? "\n" : ",\n") << "    {\"round\": " << round.round
            << ", \"kind\": " << json_string(round.kind)
            << ", \"target\": " << json_string(round.target) << ", \"start_ms\": " << round.start
            << ", \"end_ms\": " << round.end << ", \"tally\": ";
        json_tally(out, report.per_round[r]);
        out << "}";
    }
    out << "\n  ]\n}\n";
}

void write_anomalies(std::ostream& out, const std::vector<Anomaly>& anomalies,
                     const std::vector<FaultRound>& rounds) {
    for (const auto& anomaly : anomalies) {
        const int r = round_at(rounds, anomaly.ms);
        out << anomaly.ms << ' ' << finding_name(anomaly.what) << " round "
            << (r < 0 ? std::string{"baseline"}
                      : std::to_string(rounds[static_cast<std::size_t>(r)].round) + " " +
                            rounds[static_cast<std::size_t>(r)].kind)
            << ": " << anomaly.detail << '\n';
    }
}

}  // namespace parley::tools

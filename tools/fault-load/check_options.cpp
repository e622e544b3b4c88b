#include "check_options.hpp"

#include <charconv>
#include <stdexcept>
#include <string_view>

namespace parley::tools {
namespace {

std::int64_t parse_ms(std::string_view text, std::string_view what) {
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc{} || ptr != end || value < 1 || value > 3600000) {
        throw std::invalid_argument(std::string{what} + " must be 1 to 3600000 ms, not '" +
                                    std::string{text} + "'");
    }
    return value;
}

std::set<Finding> parse_findings(std::string_view text) {
    std::set<Finding> out;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const auto comma = text.find(',', pos);
        const auto name =
            text.substr(pos, comma == std::string_view::npos ? text.npos : comma - pos);
        bool known = false;
        for (int i = 0; i < kFindingCount; ++i) {
            const auto f = static_cast<Finding>(i);
            if (name == "all" || finding_name(f) == name ||
                (name == "untrue" && (f == Finding::untrue_1003 || f == Finding::untrue_1005 ||
                                      f == Finding::refused_delivered))) {
                out.insert(f);
                known = true;
            }
        }
        if (!known) {
            throw std::invalid_argument(
                "--tolerate: unknown finding '" + std::string{name} +
                "' (lost, duplicate, order, untrue, untrue_1005, "
                "untrue_1003, refused_delivered, unanswered, corrupt, all)");
        }
        if (comma == std::string_view::npos) {
            break;
        }
        pos = comma + 1;
    }
    return out;
}

}  // namespace

CheckOptions parse_check_options(int argc, char** argv) {
    CheckOptions o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg{argv[i]};
        auto value = [&]() -> std::string_view {
            if (i + 1 >= argc) {
                throw std::invalid_argument(std::string{arg} + " needs a value");
            }
            return argv[++i];
        };
        if (arg == "--help" || arg == "-h") {
            o.help = true;
        } else if (arg == "--events") {
            o.events.emplace_back(value());
        } else if (arg == "--timeline") {
            o.timeline = std::string{value()};
        } else if (arg == "--report") {
            o.report = std::string{value()};
        } else if (arg == "--json") {
            o.json = std::string{value()};
        } else if (arg == "--anomalies") {
            o.anomalies = std::string{value()};
        } else if (arg == "--parameters") {
            o.parameters = std::string{value()};
        } else if (arg == "--mode") {
            const auto mode = value();
            if (mode == "auto") {
                o.check.mode = CheckSettings::Mode::automatic;
            } else if (mode == "log") {
                o.check.mode = CheckSettings::Mode::log;
            } else if (mode == "push") {
                o.check.mode = CheckSettings::Mode::push;
            } else {
                throw std::invalid_argument("--mode is auto, log or push, not '" +
                                            std::string{mode} + "'");
            }
        } else if (arg == "--grace-ms") {
            o.check.grace_ms = parse_ms(value(), "--grace-ms");
        } else if (arg == "--latency-ms") {
            o.recovery.latency_ms = parse_ms(value(), "--latency-ms");
        } else if (arg == "--tolerate") {
            const auto more = parse_findings(value());
            o.tolerated.insert(more.begin(), more.end());
        } else {
            throw std::invalid_argument("unknown option '" + std::string{arg} + "' (see --help)");
        }
    }
    if (!o.help && o.events.empty()) {
        throw std::invalid_argument("give at least one --events FILE");
    }
    return o;
}

std::string check_usage() {
    return R"(usage: parley-fault-check --events FILE [--events FILE...] [--timeline FILE] [options]

Reads the event logs of parley-fault-load and the fault timeline of scripts/faults.sh and
counts, per kind of fault: ACKed messages lost, duplicates and order violations handed to
applications, untrue errors (1005 or 1003 about a recipient who was logged in, a refused
message delivered anyway), requests never answered, and how long traffic took to flow normally
after each fault. docs/reliability.md defines each count.

Options:
  --events FILE         an event log (repeatable)
  --timeline FILE       the fault timeline: ROUND KIND TARGET START_MS END_MS per line
  --report FILE         the text table (default: stdout)
  --json FILE           the same, as JSON
  --anomalies FILE      every finding, one a line, with its round
  --parameters TEXT     how the run was made, printed at the top of the report
  --mode auto|log|push  delivery model (default auto: a message log if messages carry a seq)
  --grace-ms MS         push only: how long after the ACK a recipient must stay connected for
                        a missing message to count as lost (default 3000)
  --latency-ms MS       recovery: the ACK and delivery time that counts as normal (default 2000)
  --tolerate LIST       findings that do not fail the check: lost, duplicate, order, untrue
                        (all three untrue_*), untrue_1005, untrue_1003, refused_delivered,
                        unanswered, corrupt, or all

Exit status: 0 when no finding that breaks the guarantee was counted (or all were tolerated),
1 when one was, 2 for a bad command line or an unreadable file.
)";
}

}  // namespace parley::tools

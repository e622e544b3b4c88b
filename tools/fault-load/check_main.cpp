// parley-fault-check: the verdict on a fault-injection run. See check_usage() and
// docs/reliability.md.

#include <exception>
#include <fstream>
#include <iostream>
#include <optional>
#include <stdexcept>

#include "check_options.hpp"
#include "delivery_check.hpp"
#include "fault_report.hpp"
#include "recovery.hpp"
#include "run_log.hpp"
#include "timeline.hpp"

namespace {

using namespace parley::tools;

void write_file(const std::string& path, const auto& writer) {
    std::ofstream out(path, std::ios::trunc);
    writer(out);
    if (!out) {
        throw std::runtime_error("cannot write " + path);
    }
}

int check(const CheckOptions& options) {
    std::size_t bad_lines = 0;
    const RunLog log = read_run_log(options.events, bad_lines);
    const auto rounds =
        options.timeline.empty() ? std::vector<FaultRound>{} : read_timeline(options.timeline);
    const auto anomalies = find_anomalies(log, options.check);
    Report report =
        build_report(log, rounds, anomalies, recovery_times(log, rounds, options.recovery));
    report.message_log = uses_message_log(log, options.check);
    report.baseline_health = baseline_health(log, rounds, options.recovery);
    report.parameters = options.parameters.empty() ? "(no parameters given)" : options.parameters;

    if (options.report.empty()) {
        write_text(std::cout, report);
    } else {
        write_file(options.report, [&](std::ostream& out) { write_text(out, report); });
    }
    if (!options.json.empty()) {
        write_file(options.json, [&](std::ostream& out) { write_json(out, report); });
    }
    if (!options.anomalies.empty()) {
        write_file(options.anomalies,
                   [&](std::ostream& out) { write_anomalies(out, anomalies, rounds); });
    }
    if (bad_lines > 0) {
        std::cerr << "parley-fault-check: " << bad_lines << " event lines did not parse\n";
    }
    long failing = 0;
    for (int i = 0; i < kFindingCount; ++i) {
        const auto f = static_cast<Finding>(i);
        if (is_defect(f) && !options.tolerated.contains(f)) {
            failing += report.total.count(f);
        }
    }
    if (failing > 0) {
        std::cerr << "parley-fault-check: " << failing
                  << " findings break the delivery guarantee (see the report)\n";
        return 1;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::optional<CheckOptions> options;
    try {
        options = parse_check_options(argc, argv);
    } catch (const std::invalid_argument& e) {
        std::cerr << "parley-fault-check: " << e.what() << '\n';
        return 2;
    }
    if (options->help) {
        std::cout << check_usage();
        return 0;
    }
    try {
        return check(*options);
    } catch (const std::exception& e) {
        std::cerr << "parley-fault-check: " << e.what() << '\n';
        return 2;
    }
}

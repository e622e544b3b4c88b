#pragma once
// Turns the JSON results of many parley-bench runs (servers x workloads x repetitions) into
// figures per workload and server: median, min, max, spread, the ratio to nats-server from the
// same run, the generator's own CPU use, and whether every repetition worked.

#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

namespace parley::bench::report {

/// One measured quantity of a workload, e.g. the 1:1 closed loop's messages per second.
struct MetricSpec {
    std::string key;    ///< in results.json: "throughput", "p99_us"
    std::string title;  ///< in tables: "msgs/s"
    std::string path;   ///< where it is in a run's JSON: "latency_us.p99"
    bool higher_is_better = true;
};

/// A workload as the report presents it; the first metric is its headline figure.
struct CaseSpec {
    std::string id;     ///< "private-closed"
    std::string title;  ///< "1:1 closed loop"
    std::vector<MetricSpec> metrics;
};

/// The cases the report knows, in presentation order.
const std::vector<CaseSpec>& case_specs();

/// Which case a run belongs to; nothing for a run the report does not know.
std::optional<std::string> case_of(const boost::json::object& run);

struct Stat {
    std::size_t count = 0;
    double median = 0;
    double min = 0;
    double max = 0;
    /// (max - min) / median, in percent; 0 for a single repetition.
    double spread_percent() const;
    std::optional<double> ratio_to_nats;
};

struct ServerFigures {
    std::string server;
    std::vector<std::optional<Stat>> metrics;  ///< parallel to CaseSpec::metrics
    Stat generator_cpu;                        ///< window_cpu_util, 0..1 per thread
    bool generator_bound = false;              ///< some repetition used >= 90% of its core
    std::optional<Stat> server_cpu;            ///< server.cpu_util: share of its core it used
    std::optional<Stat> server_run_delay;      ///< server.run_delay_util: waiting for a CPU
    bool server_starved = false;               ///< some repetition waited >= 10% of the window
    bool ok = true;
    std::vector<std::string> problems;  ///< from the runs that did not work
    std::string params;                 ///< the workload's parameters, e.g. "users 1000, window 8"
};

struct CaseFigures {
    const CaseSpec* spec = nullptr;
    std::vector<ServerFigures> servers;
};

inline constexpr double kGeneratorBoundUtil = 0.90;
inline constexpr double kServerStarvedDelay = 0.10;

/// `server_order` lists servers in the order to present them (others follow, sorted).
std::vector<CaseFigures> summarize(const std::vector<boost::json::object>& runs,
                                   const std::vector<std::string>& server_order);

}  // namespace parley::bench::report

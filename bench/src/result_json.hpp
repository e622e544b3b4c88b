#pragma once
// The one JSON object parley-bench prints per run. Its fields are what scripts/bench.sh and
// parley-bench-report read; docs/performance.md describes them.

#include <string>

#include "options.hpp"
#include "resources.hpp"
#include "run_result.hpp"

namespace parley::bench {

struct RunTimes {
    double wall_seconds = 0;
    CpuTimes cpu;  ///< the whole generator process, start to end
};

/// The run's verdict: empty when it worked (all due messages arrived once, every connection
/// logged in and stayed), else the reasons.
std::vector<std::string> problems_of(const BenchOptions& options, const RunResult& result);

std::string result_json(const BenchOptions& options, const RunResult& result,
                        const RunTimes& times);

}  // namespace parley::bench

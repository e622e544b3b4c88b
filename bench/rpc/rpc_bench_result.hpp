#pragma once
// What one parley-rpc-bench run measured, and its two forms: a line for people, JSON for
// scripts/rpc-bench.sh.

#include <cstdint>
#include <optional>
#include <string>

#include "call_recorder.hpp"
#include "resources.hpp"
#include "rpc_bench_options.hpp"

namespace parley::bench::rpc {

/// CPU use over the measured window.
struct WindowCpu {
    double generator_s = 0;                 ///< this process, every thread
    std::optional<ProcessSchedule> server;  ///< with --server-pid
};

struct RpcBenchResult {
    const RpcBenchOptions* options = nullptr;
    const CallRecorder* recorder = nullptr;
    WindowCpu cpu;
    double window_s = 0;

    double calls_per_s() const;
    bool ok() const { return recorder->errors() == 0 && recorder->calls() > 0; }
};

/// "parley: 64 B x 64 outstanding: 41234 calls/s, p50 1.52 ms, p99 2.31 ms, 0 errors".
std::string summary_line(const RpcBenchResult& result);
std::string result_json(const RpcBenchResult& result);

}  // namespace parley::bench::rpc

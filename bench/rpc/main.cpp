// parley-rpc-bench: unary echo calls in a closed loop against parleyd's echo service or
// parley-grpc-echo-server; calls/s and per-call latency over a measured window
// (scripts/rpc-bench.sh runs it; docs/performance.md, "RPC").
#include <cstdio>
#include <exception>
#include <fstream>
#include <thread>

#include "echo_load.hpp"
#include "resources.hpp"
#include "rpc_bench_result.hpp"

namespace {

using namespace parley::bench;
using namespace parley::bench::rpc;

/// The generator's CPU and the server's, read at one moment.
struct CpuSnapshot {
    double generator_s = 0;
    std::optional<ProcessSchedule> server;
};

CpuSnapshot cpu_now(long server_pid) {
    CpuSnapshot now{process_cpu().total(), std::nullopt};
    if (server_pid > 0) {
        now.server = process_schedule(server_pid);
    }
    return now;
}

WindowCpu cpu_between(const CpuSnapshot& start, const CpuSnapshot& end) {
    WindowCpu used{end.generator_s - start.generator_s, std::nullopt};
    if (start.server && end.server) {
        used.server = ProcessSchedule{end.server->cpu_s - start.server->cpu_s,
                                      end.server->run_delay_s - start.server->run_delay_s};
    }
    return used;
}

}  // namespace

int main(int argc, char** argv) {
    RpcBenchOptions options;
    int exit_status = 0;
    if (!parse_rpc_bench_options(argc, argv, options, exit_status)) {
        return exit_status;
    }
    std::unique_ptr<EchoLoad> load;
    try {
        load = make_echo_load(options);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "parley-rpc-bench: %s\n", e.what());
        return 2;
    }

    const auto from = CallRecorder::Clock::now() + options.warmup;
    CallRecorder recorder(from, from + options.duration);
    std::exception_ptr failure;
    std::thread driver([&] {
        try {
            load->run(recorder);
        } catch (...) {
            failure = std::current_exception();
        }
    });
    // This thread only reads the clocks at the window's edges, so the CPU figures cover the
    // window and nothing else.
    std::this_thread::sleep_until(recorder.measure_from());
    const CpuSnapshot start = cpu_now(options.server_pid);
    std::this_thread::sleep_until(recorder.measure_until());
    const CpuSnapshot end = cpu_now(options.server_pid);
    driver.join();
    if (failure) {
        try {
            std::rethrow_exception(failure);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "parley-rpc-bench: %s\n", e.what());
            return 1;
        }
    }

    RpcBenchResult result;
    result.options = &options;
    result.recorder = &recorder;
    result.cpu = cpu_between(start, end);
    result.window_s = std::chrono::duration<double>(options.duration).count();
    std::printf("%s\n", summary_line(result).c_str());
    if (!options.json_path.empty()) {
        std::ofstream json(options.json_path);
        json << result_json(result) << '\n';
        if (!json) {
            std::fprintf(stderr, "parley-rpc-bench: cannot write %s\n", options.json_path.c_str());
            return 1;
        }
    }
    return result.ok() ? 0 : 1;
}

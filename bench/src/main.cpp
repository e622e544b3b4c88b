// parley-bench: a load generator for Parley and, for comparison, nats-server, mosquitto and
// redis-server. It plays many users over real TCP connections, measures throughput, latency,
// losses, server memory and its own CPU use, and prints one JSON object per run.
#include <csignal>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "jetstream_setup.hpp"
#include "loop.hpp"
#include "options.hpp"
#include "payload.hpp"
#include "phase_sync.hpp"
#include "resources.hpp"
#include "result_json.hpp"
#include "workload.hpp"

namespace {

using namespace parley::bench;

/// Descriptors the run holds at once, besides a few of its own.
std::uint64_t descriptors_needed(const BenchOptions& o) {
    const std::uint64_t per_user = o.protocol == Protocol::redis ? 2 : 1;
    switch (o.workload) {
        case WorkloadKind::private_chat:
            return std::uint64_t{o.users} * per_user;
        case WorkloadKind::group:
            return std::uint64_t{o.groups} * (o.members + (per_user - 1) * o.group_senders);
        case WorkloadKind::idle:
            return o.connections;
        case WorkloadKind::connect:
            return o.connect_concurrency;
        case WorkloadKind::sync:
            return std::uint64_t{o.sync_senders} + 1;
    }
    return 0;
}

void check_limits(const BenchOptions& options) {
    if (options.payload_size < kStampSize) {
        throw std::invalid_argument("--payload must be at least " + std::to_string(kStampSize) +
                                    " bytes (the stamp)");
    }
    const auto needed = descriptors_needed(options) + 64;
    const auto limit = raise_open_file_limit(needed);
    if (limit < needed) {
        throw std::invalid_argument("this run needs " + std::to_string(needed) +
                                    " open files but RLIMIT_NOFILE allows " +
                                    std::to_string(limit) + "; raise `ulimit -Hn` (as root)");
    }
}

RunResult run_threads(const BenchOptions& options) {
    PhaseSync sync(options.threads);
    // Built here, so a bad endpoint fails before any thread waits for the others.
    std::vector<std::unique_ptr<Workload>> workloads;
    for (unsigned t = 0; t < options.threads; ++t) {
        workloads.push_back(make_workload(options, sync, t));
    }
    std::vector<RunResult> results(options.threads);
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < options.threads; ++t) {
        threads.emplace_back([&, t] {
            tighten_timer_slack();
            results[t] = workloads[t]->run();
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    RunResult merged;
    for (const auto& result : results) {
        merged.merge(result);
    }
    return merged;
}

}  // namespace

int main(int argc, char** argv) {
    BenchOptions options;
    try {
        if (!parse_options(argc, argv, options)) {
            return 0;
        }
        check_limits(options);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "parley-bench: %s\n", e.what());
        return 2;
    }
    std::signal(SIGPIPE, SIG_IGN);

    const auto started = steady_ns();
    RunResult result;
    try {
        if (options.durable && options.protocol == Protocol::nats) {
            for (const auto& endpoint : options.endpoints) {
                create_jetstream_stream(endpoint);
            }
        }
        result = run_threads(options);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "parley-bench: %s\n", e.what());
        return 2;
    }
    const RunTimes times{static_cast<double>(steady_ns() - started) / 1e9, process_cpu()};
    const auto json = result_json(options, result, times);

    if (options.json_file.empty()) {
        std::cout << json << std::endl;
    } else {
        std::ofstream file(options.json_file);
        file << json << '\n';
        if (!file) {
            std::fprintf(stderr, "parley-bench: cannot write %s\n", options.json_file.c_str());
            return 2;
        }
    }
    return problems_of(options, result).empty() ? 0 : 1;
}

#pragma once
// parley-rpc-bench's command line.

#include <chrono>
#include <cstdint>
#include <string>

namespace parley::bench::rpc {

enum class Target { parley, grpc };

struct RpcBenchOptions {
    Target target = Target::parley;
    std::string endpoint;       ///< "host:port" of the RPC listener or gRPC server
    unsigned concurrency = 64;  ///< calls outstanding at every moment (closed loop)
    std::size_t size = 64;      ///< bytes of text in every request (and so every reply)
    std::chrono::milliseconds warmup{1000};
    std::chrono::milliseconds duration{10000};
    std::chrono::milliseconds call_timeout{10000};
    long server_pid = 0;    ///< when set, the server's CPU use is reported too
    std::string label;      ///< names the run in the output; default the target's name
    std::string json_path;  ///< where the JSON result goes; empty: nowhere
};

/// Fills `options` from argv. Returns false after printing the usage or an error (the exit
/// status is then `exit_status`: 0 for --help, 2 for a mistake).
bool parse_rpc_bench_options(int argc, char** argv, RpcBenchOptions& options, int& exit_status);

const char* target_name(Target target);

}  // namespace parley::bench::rpc

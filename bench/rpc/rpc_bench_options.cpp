#include "rpc_bench_options.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <stdexcept>
#include <string_view>

#include "option_values.hpp"

namespace parley::bench::rpc {
namespace {

constexpr const char* kUsage = R"(usage: parley-rpc-bench --endpoint HOST:PORT [options]
Unary echo calls in a closed loop: --concurrency calls are outstanding at every moment; each
answer starts the next call. Reports calls/s and per-call latency over the measured window.

  --target parley|grpc  parleyd's RPC listener with parley.echo.v1.Echo/Say through
                        parley::client::RpcChannel (parley), or parley-grpc-echo-server
                        through gRPC's asynchronous client (grpc)                 (parley)
  --endpoint HOST:PORT  the server
  --concurrency N       calls outstanding                                         (64)
  --size BYTES          text per request; the reply echoes it                     (64)
  --warmup D            calls before the measured window, not counted            (1s)
  --duration D          the measured window                                       (10s)
  --call-timeout D      each call's time-out                                      (10s)
  --server-pid PID      also report the server's CPU use over the window
  --label NAME          the run's name in the output                              (the target)
  --json FILE           write the result as JSON to FILE

Durations take ms, s or m (0.5s is fine); a bare number is milliseconds. The exit status is 0
when every call succeeded, 1 when any failed.
)";

Target parse_target(std::string_view text) {
    if (text == "parley") {
        return Target::parley;
    }
    if (text == "grpc") {
        return Target::grpc;
    }
    throw std::invalid_argument("--target is parley or grpc, not '" + std::string{text} + "'");
}

}  // namespace

const char* target_name(Target target) {
    return target == Target::parley ? "parley" : "grpc";
}

bool parse_rpc_bench_options(int argc, char** argv, RpcBenchOptions& o, int& exit_status) {
    using Setter = std::function<void(std::string_view)>;
    const std::map<std::string_view, Setter> setters{
        {"--target", [&](std::string_view v) { o.target = parse_target(v); }},
        {"--endpoint", [&](std::string_view v) { o.endpoint = v; }},
        {"--concurrency",
         [&](std::string_view v) { o.concurrency = static_cast<unsigned>(parse_number(v)); }},
        {"--size", [&](std::string_view v) { o.size = parse_number(v); }},
        {"--warmup", [&](std::string_view v) { o.warmup = parse_duration(v); }},
        {"--duration", [&](std::string_view v) { o.duration = parse_duration(v); }},
        {"--call-timeout", [&](std::string_view v) { o.call_timeout = parse_duration(v); }},
        {"--server-pid",
         [&](std::string_view v) { o.server_pid = static_cast<long>(parse_number(v)); }},
        {"--label", [&](std::string_view v) { o.label = v; }},
        {"--json", [&](std::string_view v) { o.json_path = v; }},
    };
    try {
        for (int i = 1; i < argc; ++i) {
            const std::string_view name = argv[i];
            if (name == "-h" || name == "--help") {
                std::fputs(kUsage, stdout);
                exit_status = 0;
                return false;
            }
            const auto found = setters.find(name);
            if (found == setters.end()) {
                throw std::invalid_argument("unknown option '" + std::string{name} + "'");
            }
            if (i + 1 >= argc) {
                throw std::invalid_argument(std::string{name} + " needs a value");
            }
            found->second(argv[++i]);
        }
        if (o.endpoint.empty()) {
            throw std::invalid_argument("--endpoint is required");
        }
        if (o.concurrency == 0) {
            throw std::invalid_argument("--concurrency must be at least 1");
        }
        if (o.duration.count() == 0) {
            throw std::invalid_argument("--duration must be more than 0");
        }
        if (o.call_timeout.count() == 0) {
            throw std::invalid_argument("--call-timeout must be more than 0");
        }
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "parley-rpc-bench: %s\n\n%s", e.what(), kUsage);
        exit_status = 2;
        return false;
    }
    if (o.label.empty()) {
        o.label = target_name(o.target);
    }
    return true;
}

}  // namespace parley::bench::rpc

#include "rpc_bench_result.hpp"

#include <cstdio>

#include "json_writer.hpp"

namespace parley::bench::rpc {
namespace {

double micros(std::uint64_t ns) {
    return static_cast<double>(ns) / 1000.0;
}

}  // namespace

double RpcBenchResult::calls_per_s() const {
    return window_s > 0 ? static_cast<double>(recorder->calls()) / window_s : 0;
}

std::string summary_line(const RpcBenchResult& result) {
    const auto& latency = result.recorder->latency();
    char line[512];
    std::snprintf(line, sizeof line,
                  "%s: %zu B x %u outstanding: %.0f calls/s, p50 %.1f us, p99 %.1f us, "
                  "max %.1f us, %llu errors",
                  result.options->label.c_str(), result.options->size, result.options->concurrency,
                  result.calls_per_s(), micros(latency.value_at(0.50)),
                  micros(latency.value_at(0.99)), micros(latency.max()),
                  static_cast<unsigned long long>(result.recorder->errors()));
    std::string text = line;
    if (result.window_s > 0) {
        std::snprintf(line, sizeof line, "; generator CPU %.0f%%",
                      100 * result.cpu.generator_s / result.window_s);
        text += line;
        if (result.cpu.server) {
            std::snprintf(line, sizeof line, ", server CPU %.0f%% (waited %.0f%%)",
                          100 * result.cpu.server->cpu_s / result.window_s,
                          100 * result.cpu.server->run_delay_s / result.window_s);
            text += line;
        }
    }
    if (!result.recorder->first_error().empty()) {
        text += "; first error: " + result.recorder->first_error();
    }
    return text;
}

std::string result_json(const RpcBenchResult& result) {
    const auto& options = *result.options;
    const auto& recorder = *result.recorder;
    const auto& latency = recorder.latency();
    const double calls = static_cast<double>(recorder.calls());
    JsonWriter json;
    json.begin_object();
    json.key("label").value(options.label);
    json.key("target").value(target_name(options.target));
    json.key("endpoint").value(options.endpoint);
    json.key("concurrency").value(options.concurrency);
    json.key("size").value(std::uint64_t{options.size});
    json.key("warmup_s").value(static_cast<double>(options.warmup.count()) / 1000.0);
    json.key("window_s").value(result.window_s);
    json.key("ok").value(result.ok());
    json.key("calls").value(recorder.calls());
    json.key("errors").value(recorder.errors());
    json.key("first_error").value(recorder.first_error());
    json.key("calls_per_s").value(result.calls_per_s());
    json.key("latency_us").begin_object();
    json.key("min").value(micros(latency.min()));
    json.key("mean").value(latency.mean() / 1000.0);
    json.key("p50").value(micros(latency.value_at(0.50)));
    json.key("p90").value(micros(latency.value_at(0.90)));
    json.key("p99").value(micros(latency.value_at(0.99)));
    json.key("p999").value(micros(latency.value_at(0.999)));
    json.key("max").value(micros(latency.max()));
    json.end_object();
    json.key("generator_cpu_share")
        .value(result.window_s > 0 ? result.cpu.generator_s / result.window_s : 0.0);
    if (result.cpu.server) {
        json.key("server_cpu_share").value(result.cpu.server->cpu_s / result.window_s);
        json.key("server_waited_share").value(result.cpu.server->run_delay_s / result.window_s);
        json.key("server_cpu_us_per_call")
            .value(calls > 0 ? 1e6 * result.cpu.server->cpu_s / calls : 0.0);
    }
    json.end_object();
    return json.str();
}

}  // namespace parley::bench::rpc

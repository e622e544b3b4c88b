// parley-kafka-ceiling: the records/s a Kafka cluster takes and hands back for transport-kafka's
// records, with its guarantees (idempotent producer, acks=all, offsets stored after each record
// is taken), and nothing of Parley around them: the ceiling a cross-node figure is compared with
// (docs/performance.md, "Cross-node").
//
//   parley-kafka-ceiling --brokers HOST:PORT[,...] [--records N] [--size BYTES]
//                        [--recipients N] [--topic NAME] [--timeout S] [--json FILE]
//
// Exit status: 0 when every record was produced and read back exactly once, 1 when not (the
// report says what was lost or duplicated), 2 for a bad command line or an unreachable cluster.

#include <cstdio>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "ceiling_run.hpp"

namespace {

using parley::bench::CeilingOptions;
using parley::bench::CeilingResult;

void usage(std::ostream& out) {
    out << "usage: parley-kafka-ceiling --brokers HOST:PORT[,...] [--records N (100000)]\n"
           "         [--size BYTES (100)] [--recipients N (1000)] [--topic NAME (a new one)]\n"
           "         [--timeout SECONDS (120)] [--json FILE]\n";
}

std::uint64_t number(std::string_view name, const std::string& text) {
    std::size_t used = 0;
    const unsigned long long value = std::stoull(text, &used);
    if (used != text.size() || value == 0) {
        throw std::invalid_argument(std::string{name} + " needs a positive number");
    }
    return value;
}

CeilingOptions parse(int argc, char** argv, std::string& json_file) {
    CeilingOptions options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            usage(std::cout);
            std::exit(0);
        }
        if (i + 1 >= argc) {
            throw std::invalid_argument("missing value after " + std::string{arg});
        }
        const std::string value = argv[++i];
        if (arg == "--brokers") {
            options.brokers = value;
        } else if (arg == "--records") {
            options.records = number(arg, value);
        } else if (arg == "--size") {
            options.value_size = number(arg, value);
        } else if (arg == "--recipients") {
            options.recipients = static_cast<std::uint32_t>(number(arg, value));
        } else if (arg == "--topic") {
            options.topic = value;
        } else if (arg == "--timeout") {
            options.timeout = std::chrono::seconds(number(arg, value));
        } else if (arg == "--json") {
            json_file = value;
        } else {
            throw std::invalid_argument("unknown option " + std::string{arg});
        }
    }
    if (options.brokers.empty()) {
        throw std::invalid_argument("--brokers is required");
    }
    if (options.value_size < 16) {
        throw std::invalid_argument("--size must be at least 16 (sequence and send time)");
    }
    return options;
}

double percentile_us(const CeilingResult& result, double fraction) {
    if (result.latency_us.empty()) {
        return 0;
    }
    const auto at =
        static_cast<std::size_t>(fraction * static_cast<double>(result.latency_us.size()));
    return result.latency_us[std::min(at, result.latency_us.size() - 1)];
}

double per_second(std::uint64_t count, double seconds) {
    return seconds > 0 ? static_cast<double>(count) / seconds : 0;
}

void write_json(const std::string& file, const CeilingOptions& options,
                const CeilingResult& result) {
    std::ofstream out(file);
    char text[1024];
    std::snprintf(
        text, sizeof(text),
        "{\"tool\":\"parley-kafka-ceiling\",\"ok\":%s,\"records\":%llu,\"value_bytes\":%zu,"
        "\"recipients\":%u,\"produced\":%llu,\"produce_errors\":%llu,\"consumed\":%llu,"
        "\"lost\":%llu,\"duplicated\":%llu,\"produce_s\":%.4f,\"produce_per_s\":%.1f,"
        "\"end_to_end_s\":%.4f,\"end_to_end_per_s\":%.1f,"
        "\"latency_us\":{\"p50\":%.1f,\"p99\":%.1f,\"max\":%.1f}}\n",
        result.problem.empty() ? "true" : "false", static_cast<unsigned long long>(options.records),
        options.value_size, options.recipients, static_cast<unsigned long long>(result.produced),
        static_cast<unsigned long long>(result.produce_errors),
        static_cast<unsigned long long>(result.consumed),
        static_cast<unsigned long long>(result.lost(options.records)),
        static_cast<unsigned long long>(result.duplicated), result.produce_seconds,
        per_second(result.produced, result.produce_seconds), result.end_to_end_seconds,
        per_second(result.consumed, result.end_to_end_seconds), percentile_us(result, 0.5),
        percentile_us(result, 0.99), percentile_us(result, 1.0));
    out << text;
}

}  // namespace

int main(int argc, char** argv) {
    CeilingOptions options;
    std::string json_file;
    try {
        options = parse(argc, argv, json_file);
    } catch (const std::exception& e) {
        std::cerr << "parley-kafka-ceiling: " << e.what() << "\n";
        usage(std::cerr);
        return 2;
    }
    CeilingResult result;
    try {
        result = parley::bench::run_ceiling(options);
    } catch (const std::exception& e) {
        std::cerr << "parley-kafka-ceiling: " << e.what() << "\n";
        return 2;
    }
    std::printf(
        "records %llu of %zu bytes: produced %llu in %.3f s (%.0f records/s), "
        "read back %llu in %.3f s end to end (%.0f records/s); lost %llu, duplicated "
        "%llu; latency p50 %.2f ms, p99 %.2f ms\n",
        static_cast<unsigned long long>(options.records), options.value_size,
        static_cast<unsigned long long>(result.produced), result.produce_seconds,
        per_second(result.produced, result.produce_seconds),
        static_cast<unsigned long long>(result.consumed), result.end_to_end_seconds,
        per_second(result.consumed, result.end_to_end_seconds),
        static_cast<unsigned long long>(result.lost(options.records)),
        static_cast<unsigned long long>(result.duplicated), percentile_us(result, 0.5) / 1000,
        percentile_us(result, 0.99) / 1000);
    if (!json_file.empty()) {
        write_json(json_file, options, result);
    }
    if (!result.problem.empty()) {
        std::cerr << "parley-kafka-ceiling: " << result.problem << "\n";
        return 1;
    }
    return 0;
}

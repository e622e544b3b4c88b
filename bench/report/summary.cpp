#include "summary.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace parley::bench::report {

namespace json = boost::json;

namespace {

std::optional<double> number_at(const json::object& run, std::string_view path) {
    const json::value* value = nullptr;
    const json::object* object = &run;
    while (!path.empty()) {
        const auto dot = path.find('.');
        const auto name = path.substr(0, dot);
        value = object->if_contains(name);
        if (value == nullptr) {
            return std::nullopt;
        }
        path = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
        if (!path.empty()) {
            if (!value->is_object()) {
                return std::nullopt;
            }
            object = &value->as_object();
        }
    }
    if (value == nullptr || !value->is_number()) {
        return std::nullopt;
    }
    return value->to_number<double>();
}

std::string text_at(const json::object& run, std::string_view key) {
    const auto* value = run.if_contains(key);
    return value != nullptr && value->is_string() ? std::string{value->as_string()} : "";
}

Stat stat_of(std::vector<double> values) {
    Stat stat;
    std::sort(values.begin(), values.end());
    stat.count = values.size();
    if (values.empty()) {
        return stat;
    }
    const auto n = values.size();
    stat.median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    stat.min = values.front();
    stat.max = values.back();
    return stat;
}

/// "users 1000, window 8, 64 B": the parameters that shape the load, as a person reads them.
std::string params_text(const json::object& run) {
    const auto* params = run.if_contains("params");
    if (params == nullptr || !params->is_object()) {
        return "";
    }
    static const std::vector<std::pair<std::string, std::string>> kShown{
        {"users", "users"},
        {"groups", "groups"},
        {"members", "members"},
        {"group_senders", "senders/group"},
        {"window", "window"},
        {"rate", "rate/s"},
        {"connections", "connections"},
        {"connects", "connects"},
        {"concurrency", "in flight"},
        {"payload_bytes", "payload B"},
        {"duration_s", "measured s"},
        {"hold_s", "hold s"},
        {"messages", "messages"},
        {"senders", "senders"},
        {"sync_limit", "per SYNC"}};
    std::ostringstream out;
    for (const auto& [key, title] : kShown) {
        const auto* value = params->as_object().if_contains(key);
        if (value == nullptr || !value->is_number()) {
            continue;
        }
        if (out.tellp() > 0) {
            out << ", ";
        }
        out << title << " " << value->to_number<double>();
    }
    return out.str();
}

}  // namespace

double Stat::spread_percent() const {
    return count > 1 && median != 0 ? (max - min) / median * 100.0 : 0.0;
}

const std::vector<CaseSpec>& case_specs() {
    static const std::vector<CaseSpec> kCases{
        {"private-closed",
         "1:1 closed loop",
         {{"throughput", "msgs/s", "throughput", true},
          {"p99_us", "p99 µs", "latency_us.p99", false}}},
        {"private-open",
         "1:1 open loop (fixed rate)",
         {{"p99_us", "p99 µs", "latency_us.p99", false},
          {"p50_us", "p50 µs", "latency_us.p50", false},
          {"p999_us", "p99.9 µs", "latency_us.p999", false},
          {"max_us", "max µs", "latency_us.max", false},
          {"throughput", "msgs/s", "throughput", true},
          {"ack_p99_us", "ACK p99 µs", "ack_latency_us.p99", false}}},
        {"group",
         "group fan-out",
         {{"throughput", "deliveries/s", "throughput", true},
          {"p99_us", "p99 µs", "latency_us.p99", false}}},
        {"idle",
         "idle connections",
         {{"rss_per_connection", "bytes/conn", "server.rss_per_connection_bytes", false},
          {"login_rate", "logins/s", "connections.ready_per_s", true}}},
        {"connect",
         "connect storm",
         {{"throughput", "logins/s", "throughput", true},
          {"p99_us", "login p99 µs", "login_latency_us.p99", false}}},
        {"cross-node",
         "cross-node 1:1 closed loop",
         {{"throughput", "msgs/s", "throughput", true},
          {"p99_us", "p99 µs", "latency_us.p99", false},
          {"lost", "lost", "lost", false}}},
        {"cross-node-open",
         "cross-node 1:1 open loop (fixed rate)",
         {{"p50_us", "p50 µs", "latency_us.p50", false},
          {"p99_us", "p99 µs", "latency_us.p99", false},
          {"throughput", "msgs/s", "throughput", true},
          {"lost", "lost", "lost", false}}},
        {"sync",
         "sync after being offline",
         {{"throughput", "msgs/s replayed", "throughput", true},
          {"first_us", "login to first message µs", "sync.first_message_us", false},
          {"fill_rate", "sent while offline, msgs/s", "sync.fill_per_s", true}}},
    };
    return kCases;
}

std::optional<std::string> case_of(const json::object& run) {
    const auto workload = text_at(run, "workload");
    const auto* cross = run.if_contains("cross_node");
    if (workload == "private") {
        if (cross != nullptr && cross->is_bool() && cross->as_bool()) {
            return text_at(run, "mode") == "open" ? "cross-node-open" : "cross-node";
        }
        return text_at(run, "mode") == "open" ? "private-open" : "private-closed";
    }
    if (workload == "group" || workload == "idle" || workload == "connect" || workload == "sync") {
        return workload;
    }
    return std::nullopt;
}

std::vector<CaseFigures> summarize(const std::vector<json::object>& runs,
                                   const std::vector<std::string>& server_order) {
    // case -> server -> runs
    std::map<std::string, std::map<std::string, std::vector<const json::object*>>> grouped;
    for (const auto& run : runs) {
        if (const auto id = case_of(run)) {
            grouped[*id][text_at(run, "label")].push_back(&run);
        }
    }

    std::vector<CaseFigures> cases;
    for (const auto& spec : case_specs()) {
        const auto found = grouped.find(spec.id);
        if (found == grouped.end()) {
            continue;
        }
        std::vector<std::string> servers;
        for (const auto& name : server_order) {
            if (found->second.contains(name)) {
                servers.push_back(name);
            }
        }
        for (const auto& [name, ignored] : found->second) {
            if (std::find(servers.begin(), servers.end(), name) == servers.end()) {
                servers.push_back(name);
            }
        }

        CaseFigures figures{&spec, {}};
        for (const auto& name : servers) {
            const auto& server_runs = found->second.at(name);
            ServerFigures server;
            server.server = name;
            server.params = params_text(*server_runs.front());
            for (const auto& metric : spec.metrics) {
                std::vector<double> values;
                for (const auto* run : server_runs) {
                    if (const auto value = number_at(*run, metric.path)) {
                        values.push_back(*value);
                    }
                }
                server.metrics.push_back(values.empty() ? std::nullopt
                                                        : std::optional<Stat>(stat_of(values)));
            }
            std::vector<double> utils;
            std::vector<double> server_utils;
            std::vector<double> delays;
            for (const auto* run : server_runs) {
                if (const auto util = number_at(*run, "server.cpu_util")) {
                    server_utils.push_back(*util);
                }
                if (const auto delay = number_at(*run, "server.run_delay_util")) {
                    delays.push_back(*delay);
                    server.server_starved = server.server_starved || *delay >= kServerStarvedDelay;
                }
                const auto util = number_at(*run, "generator.window_cpu_util").value_or(0);
                utils.push_back(util);
                server.generator_bound = server.generator_bound || util >= kGeneratorBoundUtil;
                const auto* ok = run->if_contains("ok");
                if (ok == nullptr || !ok->is_bool() || !ok->as_bool()) {
                    server.ok = false;
                    const auto* problems = run->if_contains("problems");
                    if (problems != nullptr && problems->is_array()) {
                        for (const auto& problem : problems->as_array()) {
                            if (problem.is_string()) {
                                server.problems.emplace_back(problem.as_string());
                            }
                        }
                    }
                }
            }
            server.generator_cpu = stat_of(utils);
            if (!server_utils.empty()) {
                server.server_cpu = stat_of(server_utils);
            }
            if (!delays.empty()) {
                server.server_run_delay = stat_of(delays);
            }
            figures.servers.push_back(std::move(server));
        }

        // Ratios to nats-server's median from the same run.
        const auto nats = std::find_if(figures.servers.begin(), figures.servers.end(),
                                       [](const ServerFigures& s) { return s.server == "nats"; });
        if (nats != figures.servers.end()) {
            for (auto& server : figures.servers) {
                for (std::size_t m = 0; m < server.metrics.size(); ++m) {
                    if (server.metrics[m] && nats->metrics[m] && nats->metrics[m]->median != 0) {
                        server.metrics[m]->ratio_to_nats =
                            server.metrics[m]->median / nats->metrics[m]->median;
                    }
                }
            }
        }
        cases.push_back(std::move(figures));
    }
    return cases;
}

}  // namespace parley::bench::report

#include "admin/node_routes.hpp"

#include <parley/metrics.hpp>

namespace parley::admin {
namespace asio = boost::asio;

namespace {

/// {"name": "ready" | why not, ...}
std::string checks_json(const std::vector<ProbeResult>& results) {
    std::string out = "{";
    for (const auto& probe : results) {
        if (out.size() > 1) {
            out += ",";
        }
        out += json_string(probe.name) + ":" + json_string(probe.failure.value_or("ok"));
    }
    return out + "}";
}

/// "store, registry": the probes that failed.
std::string failed_names(const std::vector<ProbeResult>& results) {
    std::string out;
    for (const auto& probe : results) {
        if (probe.failure) {
            out += (out.empty() ? "" : ", ") + probe.name;
        }
    }
    return out;
}

}  // namespace

void add_node_routes(Router& router, NodeStatus& node, const asio::any_io_executor& control,
                     std::chrono::milliseconds deadline) {
    Route healthz;
    healthz.path = "/healthz";
    healthz.handle = [&node, control, deadline](const Request&) -> asio::awaitable<Answer> {
        std::vector<Probe> probes = node.liveness_probes();
        const auto results = co_await run_probes(control, std::move(probes), deadline);
        const std::string data = "{\"checks\":" + checks_json(results) + "}";
        const std::string failed = failed_names(results);
        if (!failed.empty()) {
            co_return result(ErrorCode::internal, "not responding: " + failed, data);
        }
        co_return result(ErrorCode::ok, "alive", data);
    };
    router.add(std::move(healthz));

    Route readyz;
    readyz.path = "/readyz";
    readyz.handle = [&node, control, deadline](const Request&) -> asio::awaitable<Answer> {
        std::vector<Probe> probes = node.readiness_probes();
        const auto results = co_await run_probes(control, std::move(probes), deadline);
        const std::string data = "{\"checks\":" + checks_json(results) + "}";
        const std::string failed = failed_names(results);
        if (!failed.empty()) {
            co_return result(ErrorCode::backend_unavailable, "not ready: " + failed, data);
        }
        co_return result(ErrorCode::ok, "ready", data);
    };
    router.add(std::move(readyz));

    Route metrics_route;
    metrics_route.path = "/metrics";
    metrics_route.protected_route = true;
    metrics_route.handle = [](const Request&) -> asio::awaitable<Answer> {
        Answer answer;
        answer.content_type = "text/plain; version=0.0.4; charset=utf-8";
        answer.body = metrics::registry().exposition();
        co_return answer;
    };
    router.add(std::move(metrics_route));
}

}  // namespace parley::admin

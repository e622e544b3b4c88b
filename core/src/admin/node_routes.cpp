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

/// What a probe route answers: `failure` with `failed_prefix` and the failed probes' names, or
/// ok with `ok_message`.
struct ProbeAnswers {
    ErrorCode failure;
    std::string failed_prefix;
    std::string ok_message;
};

/// A route that runs the node's probes (`probes`) and answers with each one's result.
Route probe_route(std::string path, std::vector<Probe> (NodeStatus::*probes)(), NodeStatus& node,
                  const asio::any_io_executor& control, std::chrono::milliseconds deadline,
                  ProbeAnswers answers) {
    Route route;
    route.path = std::move(path);
    route.handle = [&node, probes, control, deadline,
                    answers = std::move(answers)](const Request&) -> asio::awaitable<Answer> {
        std::vector<Probe> to_run = (node.*probes)();
        const auto results = co_await run_probes(control, std::move(to_run), deadline);
        const std::string data = "{\"checks\":" + checks_json(results) + "}";
        const std::string failed = failed_names(results);
        if (!failed.empty()) {
            co_return result(answers.failure, answers.failed_prefix + failed, data);
        }
        co_return result(ErrorCode::ok, answers.ok_message, data);
    };
    return route;
}

}  // namespace

void add_node_routes(Router& router, NodeStatus& node, const asio::any_io_executor& control,
                     std::chrono::milliseconds deadline) {
    router.add(probe_route("/healthz", &NodeStatus::liveness_probes, node, control, deadline,
                           {ErrorCode::internal, "not responding: ", "alive"}));
    router.add(probe_route("/readyz", &NodeStatus::readiness_probes, node, control, deadline,
                           {ErrorCode::backend_unavailable, "not ready: ", "ready"}));

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

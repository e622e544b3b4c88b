#include "admin/service_routes.hpp"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>

#include "rpc/local_call.hpp"

namespace parley::admin {
namespace asio = boost::asio;

namespace {

namespace pb = google::protobuf;

/// The method a path names, or the code saying why none.
rpc::MethodTarget find_method(const rpc::ServiceTable& services, const std::string& path) {
    return services.find(std::string_view(path).substr(std::string_view(kApiPrefix).size()));
}

void parse_body(const std::string& body, pb::Message& request) {
    if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
        return;  // no body: every field at its default
    }
    const auto status = pb::util::JsonStringToMessage(body, &request, pb::util::JsonParseOptions{});
    if (!status.ok()) {
        throw Error(ErrorCode::bad_body,
                    "the body is not a " + request.GetTypeName() +
                        " in protobuf's JSON mapping: " + std::string(status.message()));
    }
}

std::string to_json(const pb::Message& message) {
    std::string json;
    pb::util::JsonPrintOptions options;
    options.always_print_primitive_fields = true;
    if (!pb::util::MessageToJsonString(message, &json, options).ok()) {
        throw Error(ErrorCode::internal, "the answer could not be written as JSON");
    }
    return json;
}

}  // namespace

void add_service_routes(Router& router, const rpc::ServiceTable& services, bool token_configured,
                        std::chrono::milliseconds timeout) {
    Route route;
    route.method = http::verb::post;
    route.path = kApiPrefix;
    route.prefix = true;
    route.protected_route = true;
    route.handle = [&services, token_configured,
                    timeout](const Request& request) -> asio::awaitable<Answer> {
        if (!token_configured) {
            throw Error(ErrorCode::permission_denied,
                        "the HTTP API is off until admin.token is set (docs/http-api.md)");
        }
        const rpc::MethodTarget target = find_method(services, request.path);
        rpc::LocalCall call = rpc::prepare_local_call(target);
        parse_body(request.message.body(), *call.request);
        co_await rpc::run_local_call(call, timeout);
        const RpcCall& outcome = *call.controller;
        if (outcome.Failed()) {
            const std::string data = outcome.error_data();
            co_return result(outcome.code(), outcome.ErrorText(),
                             data.empty() ? "null" : json_string(data));
        }
        co_return result(ErrorCode::ok, "ok", to_json(*call.response));
    };
    router.add(std::move(route));
}

}  // namespace parley::admin

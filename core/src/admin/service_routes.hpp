#pragma once

#include <chrono>

#include <boost/asio/any_io_executor.hpp>

#include "admin/router.hpp"
#include "rpc/service_table.hpp"

namespace parley::admin {

/// The HTTP API: POST /api/v1/<package.Service>/<Method> with the request as JSON (protobuf's
/// JSON mapping) calls that method of a service this node hosts, and answers {code, msg, data}
/// with the method's answer as `data` (docs/http-api.md). Every API route needs the bearer
/// token; with no admin.token configured the API refuses every call. `services` outlives the
/// router; calls run on `control` and end with DEADLINE_EXCEEDED after `timeout`.
void add_service_routes(Router& router, const rpc::ServiceTable& services, bool token_configured,
                        std::chrono::milliseconds timeout);

/// Where the API's routes start.
inline constexpr const char* kApiPrefix = "/api/v1/";

}  // namespace parley::admin

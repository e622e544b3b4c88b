#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include <parley/error.hpp>

#include "admin/http_result.hpp"

namespace parley::admin {

/// One request as routes see it.
struct Request {
    const HttpRequest& message;
    std::string path;  ///< the target without its query
};

struct Route {
    http::verb method = http::verb::get;
    std::string path;
    /// Needs the bearer token when one is configured (the auth interceptor checks).
    bool protected_route = false;
    /// Serves every path under `path` (which ends in '/'), when no exact route matches.
    bool prefix = false;
    std::function<boost::asio::awaitable<Answer>(const Request&)> handle;
};

/// Runs before the route: returns an Error to refuse the request with, or nothing to let it on.
using RouteInterceptor = std::function<std::optional<Error>(const Request&, const Route&)>;

/// The admin listener's request path: route lookup by exact path, the interceptor chain, the
/// route, and the one place where what a route throws becomes an answer in the result shape
/// (a parley::Error with its code, anything else as 9000, logged). Filled before serving; then
/// read only, on the control loop.
class Router {
  public:
    /// Throws std::invalid_argument when the method and path are taken.
    void add(Route route);
    void add_interceptor(RouteInterceptor interceptor);

    /// Never throws: every outcome is an Answer. No route: 404 (3001); a route for another
    /// method: 405 (3001) with Allow. An exact path wins over a prefix route.
    boost::asio::awaitable<Answer> handle(const HttpRequest& message) const;

  private:
    /// The routes for `path`: its own, else those of the longest prefix route over it.
    const std::vector<Route>* routes_for(const std::string& path) const;

    std::map<std::string, std::vector<Route>> routes_;  ///< by path
    std::vector<RouteInterceptor> interceptors_;
};

/// The interceptor that asks protected routes for `Authorization: Bearer <token>` (compared in
/// constant time); 401 with 1000 otherwise. An empty token leaves every route open.
RouteInterceptor bearer_token_interceptor(std::string token);

}  // namespace parley::admin

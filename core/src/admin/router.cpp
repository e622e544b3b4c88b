#include "admin/router.hpp"

#include <algorithm>
#include <stdexcept>

#include <boost/asio/this_coro.hpp>
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

namespace parley::admin {

void Router::add(Route route) {
    auto& same_path = routes_[route.path];
    for (const auto& existing : same_path) {
        if (existing.method == route.method) {
            throw std::invalid_argument("two admin routes for " +
                                        std::string{http::to_string(route.method)} + " " +
                                        route.path);
        }
    }
    same_path.push_back(std::move(route));
}

void Router::add_interceptor(RouteInterceptor interceptor) {
    interceptors_.push_back(std::move(interceptor));
}

const std::vector<Route>* Router::routes_for(const std::string& path) const {
    if (const auto exact = routes_.find(path); exact != routes_.end()) {
        return &exact->second;
    }
    const std::vector<Route>* best = nullptr;
    std::size_t best_length = 0;
    for (const auto& [route_path, routes] : routes_) {
        const bool is_prefix = std::any_of(routes.begin(), routes.end(),
                                           [](const Route& route) { return route.prefix; });
        if (is_prefix && path.starts_with(route_path) && route_path.size() > best_length) {
            best = &routes;
            best_length = route_path.size();
        }
    }
    return best;
}

boost::asio::awaitable<Answer> Router::handle(const HttpRequest& message) const {
    const std::string_view target = message.target();
    const Request request{message, std::string{target.substr(0, target.find('?'))}};
    const std::vector<Route>* same_path = routes_for(request.path);
    if (same_path == nullptr) {
        co_return result(ErrorCode::unknown_type, "no such route");
    }
    const Route* route = nullptr;
    std::string allowed;
    for (const auto& candidate : *same_path) {
        if (candidate.method == message.method()) {
            route = &candidate;
        }
        allowed += (allowed.empty() ? "" : ", ") + std::string{http::to_string(candidate.method)};
    }
    if (route == nullptr) {
        Answer answer = result(ErrorCode::unknown_type, "method not allowed on this route");
        answer.status = http::status::method_not_allowed;
        answer.headers.emplace_back(http::field::allow, allowed);
        co_return answer;
    }
    std::exception_ptr failure;
    try {
        for (const auto& interceptor : interceptors_) {
            if (auto refusal = interceptor(request, *route)) {
                Answer answer =
                    result(refusal->code(), refusal->what(),
                           refusal->data().empty() ? "null" : json_string(refusal->data()));
                if (refusal->code() == ErrorCode::login_failed) {
                    answer.headers.emplace_back(http::field::www_authenticate, "Bearer");
                }
                co_return answer;
            }
        }
        co_return co_await route->handle(request);
    } catch (...) {
        failure = std::current_exception();
    }
    try {
        std::rethrow_exception(failure);
    } catch (const Error& e) {
        co_return result(e.code(), e.what(), e.data().empty() ? "null" : json_string(e.data()));
    } catch (const std::exception& e) {
        spdlog::error("admin route {} failed: {}", request.path, e.what());
    } catch (...) {
        spdlog::error("admin route {} threw a non-standard exception", request.path);
    }
    co_return result(ErrorCode::internal, "internal error while handling the request");
}

RouteInterceptor bearer_token_interceptor(std::string token) {
    return [token = std::move(token)](const Request& request,
                                      const Route& route) -> std::optional<Error> {
        if (token.empty() || !route.protected_route) {
            return std::nullopt;
        }
        const auto header = request.message.find(http::field::authorization);
        constexpr std::string_view kScheme = "Bearer ";
        if (header == request.message.end()) {
            return Error(ErrorCode::login_failed, "this route needs Authorization: Bearer <token>");
        }
        const std::string_view value = header->value();
        // Same length first: CRYPTO_memcmp compares equal lengths without leaking where they
        // differ; the length of a token of at least 16 characters gives nothing away.
        const bool matches =
            value.size() == kScheme.size() + token.size() && value.starts_with(kScheme) &&
            CRYPTO_memcmp(value.data() + kScheme.size(), token.data(), token.size()) == 0;
        if (!matches) {
            return Error(ErrorCode::login_failed, "wrong bearer token");
        }
        return std::nullopt;
    };
}

}  // namespace parley::admin

// The admin router without sockets: lookup, the interceptor chain, and the one place where what
// a route throws becomes an answer in the result shape.
#include "admin/router.hpp"

#include <stdexcept>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

namespace parley::admin {
namespace {

namespace asio = boost::asio;

HttpRequest request(http::verb method, std::string target, std::string authorization = {}) {
    HttpRequest message{method, target, 11};
    if (!authorization.empty()) {
        message.set(http::field::authorization, authorization);
    }
    return message;
}

Answer run(const Router& router, const HttpRequest& message) {
    asio::io_context io;
    auto answer = asio::co_spawn(io, router.handle(message), asio::use_future);
    io.run();
    return answer.get();
}

Route route(std::string path, std::function<asio::awaitable<Answer>(const Request&)> handle,
            bool protected_route = false) {
    Route made;
    made.path = std::move(path);
    made.handle = std::move(handle);
    made.protected_route = protected_route;
    return made;
}

class RouterTest : public ::testing::Test {
  protected:
    RouterTest() {
        router.add(route("/ok", [](const Request&) -> asio::awaitable<Answer> {
            co_return result(ErrorCode::ok, "fine", "{\"n\":1}");
        }));
        router.add(route("/refused", [](const Request&) -> asio::awaitable<Answer> {
            throw Error(ErrorCode::backend_unavailable, "store down", "try \"later\"");
            co_return Answer{};
        }));
        router.add(route("/broken", [](const Request&) -> asio::awaitable<Answer> {
            throw std::runtime_error("a bug");
            co_return Answer{};
        }));
        router.add(route(
            "/secret",
            [](const Request&) -> asio::awaitable<Answer> { co_return result(ErrorCode::ok, "s"); },
            true));
        router.add_interceptor(bearer_token_interceptor("0123456789abcdef"));
    }
    Router router;
};

TEST_F(RouterTest, AnswersInTheResultShape) {
    const Answer answer = run(router, request(http::verb::get, "/ok?x=1"));
    EXPECT_EQ(answer.status, http::status::ok);
    EXPECT_EQ(answer.body, "{\"code\":0,\"msg\":\"fine\",\"data\":{\"n\":1}}\n");
}

TEST_F(RouterTest, AnErrorThrownBecomesItsCodeAndStatus) {
    const Answer answer = run(router, request(http::verb::get, "/refused"));
    EXPECT_EQ(answer.status, http::status::service_unavailable);
    EXPECT_EQ(answer.code, ErrorCode::backend_unavailable);
    EXPECT_EQ(answer.body,
              "{\"code\":2000,\"msg\":\"store down\",\"data\":\"try \\\"later\\\"\"}\n");
}

TEST_F(RouterTest, AnythingElseThrownBecomesInternal) {
    const Answer answer = run(router, request(http::verb::get, "/broken"));
    EXPECT_EQ(answer.status, http::status::internal_server_error);
    EXPECT_EQ(answer.code, ErrorCode::internal);
    EXPECT_EQ(answer.body.find("a bug"), std::string::npos) << "internals stay in the log";
}

TEST_F(RouterTest, UnknownPathsAndMethods) {
    EXPECT_EQ(run(router, request(http::verb::get, "/nope")).status, http::status::not_found);
    const Answer wrong = run(router, request(http::verb::delete_, "/ok"));
    EXPECT_EQ(wrong.status, http::status::method_not_allowed);
    ASSERT_EQ(wrong.headers.size(), 1U);
    EXPECT_EQ(wrong.headers[0].second, "GET");
}

TEST_F(RouterTest, ProtectedRoutesNeedTheBearerToken) {
    EXPECT_EQ(run(router, request(http::verb::get, "/secret")).status, http::status::unauthorized);
    EXPECT_EQ(run(router, request(http::verb::get, "/secret", "Bearer 0123456789abcdeX")).status,
              http::status::unauthorized);
    EXPECT_EQ(run(router, request(http::verb::get, "/secret", "Basic 0123456789abcdef")).status,
              http::status::unauthorized);
    EXPECT_EQ(run(router, request(http::verb::get, "/secret", "Bearer 0123456789abcdef")).status,
              http::status::ok);
    EXPECT_EQ(run(router, request(http::verb::get, "/ok")).status, http::status::ok)
        << "open routes need no token";
}

TEST_F(RouterTest, TwoRoutesForOneMethodAndPathAreRefused) {
    EXPECT_THROW(router.add(route(
                     "/ok", [](const Request&) -> asio::awaitable<Answer> { co_return Answer{}; })),
                 std::invalid_argument);
}

}  // namespace
}  // namespace parley::admin

#include "rpc/local_call.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "rpc/call_completion.hpp"
#include "rpc/rpc_metrics.hpp"

namespace parley::rpc {
namespace {

/// The call itself: its result lands in call.controller.
asio::awaitable<void> run_until_done(const LocalCall& call, std::chrono::milliseconds timeout);

}  // namespace

LocalCall prepare_local_call(const MethodTarget& target) {
    LocalCall call;
    call.target = target;
    call.request.reset(target.service->GetRequestPrototype(target.method).New());
    call.response.reset(target.service->GetResponsePrototype(target.method).New());
    return call;
}

asio::awaitable<void> run_local_call(LocalCall call, std::chrono::milliseconds timeout) {
    const auto started = std::chrono::steady_clock::now();
    co_await run_until_done(call, timeout);
    RpcMetrics::get().ran(call.target.method, std::chrono::steady_clock::now() - started);
    RpcMetrics::get().ended(call.target.method, call.controller->code());
}

namespace {

asio::awaitable<void> run_until_done(const LocalCall& call, std::chrono::milliseconds timeout) {
    const auto executor = co_await asio::this_coro::executor;
    call.controller->set_deadline(RpcCall::Clock::now() + timeout);
    auto completion =
        CallCompletion::start(call.target, *call.controller, *call.request, *call.response);
    if (completion->ran()) {
        co_return;
    }
    // Whichever comes first: the method's done, or the time-out. The waiter keeps the request
    // and answer alive for a method that finishes late.
    auto timer = std::make_shared<asio::steady_timer>(executor, timeout);
    auto waiter = [completion, timer, call]() -> asio::awaitable<void> {
        co_await completion->wait();
        timer->cancel();
    };
    asio::co_spawn(executor, waiter, asio::detached);
    boost::system::error_code ec;
    co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!completion->ran()) {
        call.controller->cancel();
        call.controller->fail(
            Error(ErrorCode::deadline_exceeded, "the call did not finish within its time-out"));
    }
}

}  // namespace

}  // namespace parley::rpc

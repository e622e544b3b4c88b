#include "rpc/local_call.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "rpc/call_completion.hpp"

namespace parley::rpc {

LocalCall prepare_local_call(const MethodTarget& target) {
    LocalCall call;
    call.target = target;
    call.request.reset(target.service->GetRequestPrototype(target.method).New());
    call.response.reset(target.service->GetResponsePrototype(target.method).New());
    return call;
}

asio::awaitable<void> run_local_call(LocalCall call, std::chrono::milliseconds timeout) {
    const auto executor = co_await asio::this_coro::executor;
    call.controller->set_deadline(RpcCall::Clock::now() + timeout);
    auto completion = std::make_shared<CallCompletion>();
    try {
        call.target.service->CallMethod(call.target.method, call.controller.get(),
                                        call.request.get(), call.response.get(),
                                        completion->closure());
    } catch (const Error& error) {
        call.controller->fail(error);
        co_return;
    } catch (const std::exception& error) {
        call.controller->fail(Error(ErrorCode::internal, error.what()));
        co_return;
    }
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

}  // namespace parley::rpc

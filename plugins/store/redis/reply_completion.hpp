#pragma once

#include <exception>
#include <memory>
#include <utility>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include "redis_command.hpp"

namespace parley::plugins::redis {

/// Wraps an asynchronous operation's completion handler as a ReplyCallback. The handler runs on
/// its own associated executor (for a coroutine: the caller's event loop), posted, never inline
/// on the plugin's strand; until then a work guard keeps that executor's loop from running out
/// of work. The callback is copyable (it shares the handler) and completes the handler once.
template <typename Handler>
ReplyCallback reply_completion(Handler handler) {
    using Executor = asio::associated_executor_t<Handler>;
    struct State {
        Handler handler;
        asio::executor_work_guard<Executor> work;
        bool done = false;
    };
    Executor executor = asio::get_associated_executor(handler);
    auto state = std::make_shared<State>(
        State{std::move(handler), asio::make_work_guard(std::move(executor)), false});
    return [state](std::exception_ptr error, RedisReply reply) {
        if (std::exchange(state->done, true)) {
            return;
        }
        asio::post(state->work.get_executor(),
                   [state, error = std::move(error), reply = std::move(reply)]() mutable {
                       std::move(state->handler)(std::move(error), std::move(reply));
                   });
        state->work.reset();
    };
}

}  // namespace parley::plugins::redis

#include "resending_call.hpp"

#include <algorithm>
#include <exception>
#include <string>
#include <utility>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <parley/error.hpp>

#include "reply_lost.hpp"

namespace parley::plugins::message_log_redis {

namespace {

using Clock = std::chrono::steady_clock;

// Short enough to catch a connection that is back after its first reconnect (100 ms), long
// enough not to spin while Redis is down: calls then fail at once.
constexpr std::chrono::milliseconds kFirstPause{50};
constexpr std::chrono::milliseconds kLongestPause{500};

std::string what_of(const std::exception_ptr& failure) {
    try {
        std::rethrow_exception(failure);
    } catch (const std::exception& e) {
        return e.what();
    }
}

}  // namespace

asio::awaitable<redis::RedisReply> call_resending(std::shared_ptr<redis::RedisPool> pool,
                                                  redis::RedisCommand command,
                                                  Clock::time_point deadline) {
    const Clock::time_point first_try = Clock::now();
    const auto executor = co_await asio::this_coro::executor;
    asio::steady_timer pause_timer(executor);
    std::chrono::milliseconds pause = kFirstPause;
    bool maybe_run = false;  // an earlier try reached Redis and its reply was lost
    std::string last_failure;
    for (;;) {
        std::exception_ptr failure;
        try {
            redis::RedisCommand attempt = command;
            redis::RedisReply reply = co_await pool->call(std::move(attempt));
            if (!reply.is_error() || !maybe_run) {
                co_return reply;
            }
            // Refused now (Redis still loading, out of memory...), yet an earlier try may have
            // run: only a later answer settles it.
            last_failure = "Redis refused it: " + reply.text;
        } catch (const redis::ReplyLost&) {
            maybe_run = true;
            failure = std::current_exception();
        } catch (const Error&) {
            if (!maybe_run) {
                throw;  // never reached Redis: it did not take it
            }
            failure = std::current_exception();
        }
        if (failure) {
            last_failure = what_of(failure);
        }
        const Clock::time_point now = Clock::now();
        if (now >= deadline || pool->closed()) {
            if (deadline <= first_try && failure) {
                std::rethrow_exception(failure);  // sent once only: its own failure
            }
            const auto tried =
                std::chrono::duration_cast<std::chrono::milliseconds>(now - first_try);
            throw Error(ErrorCode::backend_unavailable,
                        "Redis at " + pool->address() +
                            ": the reply to a command was lost, and no answer came within " +
                            std::to_string(tried.count()) +
                            " ms, resends included; Redis may have run it. Last: " + last_failure);
        }
        pause_timer.expires_after(std::min<Clock::duration>(pause, deadline - now));
        co_await pause_timer.async_wait(asio::use_awaitable);
        pause = std::min(pause * 2, kLongestPause);
    }
}

}  // namespace parley::plugins::message_log_redis

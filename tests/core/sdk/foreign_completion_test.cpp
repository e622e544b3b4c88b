// await_foreign: a result produced on another thread resumes the awaiting coroutine on its own
// executor, once.

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <parley/foreign_completion.hpp>

namespace parley {
namespace {

using namespace std::chrono_literals;

/// Runs `task` on `io` (on this thread) until the loop runs out of work, and returns its result.
/// A task still suspended then is a failure: its loop let go while it waited.
template <typename T>
T run(asio::io_context& io, asio::awaitable<T> task) {
    auto future = asio::co_spawn(io, std::move(task), asio::use_future);
    io.run();
    if (future.wait_for(0s) != std::future_status::ready) {
        throw std::logic_error("the loop ran out of work while the task waited");
    }
    return future.get();
}

TEST(ForeignCompletionTest, ResumesOnTheCallersThreadWithTheForeignValue) {
    asio::io_context io;
    std::thread foreign;
    std::thread::id produced_on;
    auto task = [&]() -> asio::awaitable<std::thread::id> {
        const int value = co_await await_foreign<int>([&](Completer<int> done) {
            foreign = std::thread([&produced_on, done] {
                produced_on = std::this_thread::get_id();
                done.set_value(42);
            });
        });
        EXPECT_EQ(value, 42);
        co_return std::this_thread::get_id();
    };
    const std::thread::id resumed_on = run(io, task());
    foreign.join();
    EXPECT_EQ(resumed_on, std::this_thread::get_id());
    EXPECT_NE(resumed_on, produced_on);
}

TEST(ForeignCompletionTest, KeepsTheLoopRunningUntilTheResultArrives) {
    // io.run() would return at once, with the task suspended, without the work guard.
    asio::io_context io;
    std::thread foreign;
    auto task = [&]() -> asio::awaitable<std::string> {
        co_return co_await await_foreign<std::string>([&](Completer<std::string> done) {
            foreign = std::thread([done] {
                std::this_thread::sleep_for(100ms);
                done.set_value("late");
            });
        });
    };
    EXPECT_EQ(run(io, task()), "late");
    foreign.join();
}

TEST(ForeignCompletionTest, ExceptionsAreRethrownInTheWaiter) {
    asio::io_context io;
    std::thread foreign;
    auto task = [&]() -> asio::awaitable<void> {
        co_await await_foreign<void>([&](Completer<void> done) {
            foreign = std::thread([done] {
                done.set_exception(std::make_exception_ptr(std::runtime_error("refused")));
            });
        });
    };
    struct Joiner {
        std::thread& thread;
        ~Joiner() { thread.join(); }
    } joiner{foreign};
    try {
        run(io, task());
        FAIL() << "the exception was lost";
    } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(), "refused");
    }
}

TEST(ForeignCompletionTest, VoidCompletesInlineBeforeStartReturns) {
    asio::io_context io;
    bool resumed = false;
    auto task = [&]() -> asio::awaitable<void> {
        co_await await_foreign<void>([](Completer<void> done) { done.set_value(); });
        resumed = true;
    };
    run(io, task());
    EXPECT_TRUE(resumed);
}

TEST(ForeignCompletionTest, OnlyTheFirstOfConcurrentCompletionsCounts) {
    asio::io_context io;
    std::vector<std::thread> racers;
    std::atomic<int> resumptions{0};
    auto task = [&]() -> asio::awaitable<int> {
        auto start = [&](Completer<int> done) {
            for (int i = 1; i <= 8; ++i) {
                racers.emplace_back([done, i] {
                    if (i % 2 == 0) {
                        done.set_value(i);
                    } else {
                        done.set_exception(std::make_exception_ptr(std::runtime_error("odd")));
                    }
                });
            }
        };
        try {
            const int winner = co_await await_foreign<int>(std::move(start));
            ++resumptions;
            co_return winner;
        } catch (...) {
            ++resumptions;  // an odd racer won: the wait resumed with its exception
            throw;
        }
    };
    auto future = asio::co_spawn(io, task(), asio::use_future);
    io.run();
    for (auto& racer : racers) {
        racer.join();
    }
    io.restart();
    io.run();  // anything a second completion might have posted
    EXPECT_EQ(resumptions.load(), 1);
    try {
        EXPECT_EQ(future.get() % 2, 0);
    } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(), "odd");
    }
}

TEST(ForeignCompletionTest, AWaiterGoesWithItsIoContextAndALateResultIsDropped) {
    // A backend thread may finish a wait after the node's loops are gone (shutdown): the
    // waiter must go with its io_context, and the late result must not touch the dead loop.
    std::vector<Completer<int>> kept;  // a vector: GCC 12 misreads an optional here
    bool frame_destroyed = false;
    struct MarksItsEnd {
        bool& ended;
        ~MarksItsEnd() { ended = true; }
    };
    auto task = [&]() -> asio::awaitable<void> {
        const MarksItsEnd mark{frame_destroyed};
        co_await await_foreign<int>([&](Completer<int> done) { kept.push_back(std::move(done)); });
        ADD_FAILURE() << "resumed after its io_context was destroyed";
    };
    {
        asio::io_context io;
        asio::co_spawn(io, task(), asio::detached);
        io.poll();  // runs until the task waits
        ASSERT_EQ(kept.size(), 1U);
        EXPECT_FALSE(frame_destroyed);
    }
    EXPECT_TRUE(frame_destroyed) << "the waiting coroutine outlived its io_context";
    std::thread late([&] { kept.front().set_value(7); });
    late.join();
    kept.clear();
}

TEST(ForeignCompletionTest, AResultPostedBeforeTheIoContextGoesIsDestroyedWithIt) {
    std::vector<Completer<std::string>> kept;
    auto task = [&]() -> asio::awaitable<void> {
        co_await await_foreign<std::string>(
            [&](Completer<std::string> done) { kept.push_back(std::move(done)); });
        ADD_FAILURE() << "resumed on a stopped io_context";
    };
    {
        asio::io_context io;
        asio::co_spawn(io, task(), asio::detached);
        io.poll();
        io.stop();
        kept.front().set_value("queued, never run");
    }
    kept.clear();
}

}  // namespace
}  // namespace parley

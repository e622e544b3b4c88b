// A ZooKeeper session's requests against a real ZooKeeper server: every request sent is
// answered, however the session's close races it.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include "support/zookeeper_server.hpp"
#include "zookeeper_calls.hpp"

namespace parley::plugins::zookeeper {
namespace {

using namespace std::chrono_literals;

asio::awaitable<void> ask(std::shared_ptr<ZookeeperSession> session, std::atomic<int>& answered) {
    std::string path = "/";
    co_await get_data(std::move(session), std::move(path), false);
    ++answered;
}

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(1ms);
    }
    return done();
}

TEST(ZookeeperSessionTest, EveryRequestInFlightIsAnsweredWhenTheSessionCloses) {
    asio::io_context io;
    auto work = asio::make_work_guard(io);
    std::thread loop([&io] { io.run(); });
    constexpr int kRounds = 30;
    constexpr int kRequests = 20;
    std::atomic<int> answered{0};
    for (int round = 0; round < kRounds; ++round) {
        auto session =
            std::make_shared<ZookeeperSession>(test::shared_zookeeper(), 2s, round, nullptr);
        ASSERT_TRUE(wait_until([&] { return session->connected(); }, 10s));
        // On the loop: send every request (each coroutine runs until its request is out), then
        // close while they are in flight.
        std::atomic<bool> closed{false};
        asio::post(io, [&] {
            for (int i = 0; i < kRequests; ++i) {
                asio::co_spawn(io, ask(session, answered), asio::detached);
            }
            asio::post(io, [&] {
                session->close();
                closed = true;
            });
        });
        ASSERT_TRUE(wait_until([&] { return closed.load(); }, 10s));
    }
    EXPECT_TRUE(wait_until([&] { return answered == kRounds * kRequests; }, 10s))
        << answered << " of " << kRounds * kRequests << " requests answered";
    work.reset();
    io.stop();
    loop.join();
}

}  // namespace
}  // namespace parley::plugins::zookeeper

// Subscription and ServiceWatch: what every registry relies on to stop calling a watcher.

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <parley/service_watch.hpp>
#include <parley/subscription.hpp>

namespace parley {
namespace {

using namespace std::chrono_literals;

TEST(Subscription, CancelsOnceWhenResetOrDropped) {
    int cancelled = 0;
    {
        Subscription subscription([&cancelled] { ++cancelled; });
        EXPECT_TRUE(subscription);
        Subscription moved = std::move(subscription);
        EXPECT_FALSE(subscription);  // NOLINT(bugprone-use-after-move): moved-from is empty
        EXPECT_EQ(cancelled, 0);
        moved.reset();
        EXPECT_EQ(cancelled, 1);
        moved.reset();
    }
    EXPECT_EQ(cancelled, 1);
    {
        Subscription dropped([&cancelled] { ++cancelled; });
    }
    EXPECT_EQ(cancelled, 2);
    Subscription assigned([&cancelled] { ++cancelled; });
    assigned = Subscription([] {});
    EXPECT_EQ(cancelled, 3) << "assigning over a subscription cancels it";
}

TEST(ServiceWatch, NoCallAfterItsSubscriptionIsDropped) {
    std::vector<std::size_t> calls;
    auto watch = std::make_shared<ServiceWatch>(
        "svc", [&calls](std::vector<ServiceInstance> list) { calls.push_back(list.size()); });
    auto subscription = ServiceWatch::subscription(watch);
    EXPECT_TRUE(watch->call({{}}));
    subscription.reset();
    EXPECT_TRUE(watch->cancelled());
    EXPECT_FALSE(watch->call({{}, {}}));
    EXPECT_EQ(calls, std::vector<std::size_t>{1});
}

TEST(ServiceWatch, ACallbackMayDropItsOwnSubscription) {
    Subscription subscription;
    int calls = 0;
    auto watch = std::make_shared<ServiceWatch>("svc", [&](std::vector<ServiceInstance>) {
        ++calls;
        subscription.reset();
    });
    subscription = ServiceWatch::subscription(watch);
    EXPECT_FALSE(watch->call({})) << "cancelled by its own call";
    EXPECT_FALSE(watch->call({}));
    EXPECT_EQ(calls, 1);
}

TEST(ServiceWatch, CancellingWaitsForACallInProgressOnAnotherThread) {
    std::atomic<bool> inside{false};
    std::atomic<bool> finished{false};
    auto watch = std::make_shared<ServiceWatch>("svc", [&](std::vector<ServiceInstance>) {
        inside = true;
        std::this_thread::sleep_for(200ms);
        finished = true;
    });
    auto subscription = ServiceWatch::subscription(watch);
    std::thread caller([watch] { watch->call({}); });
    while (!inside) {
        std::this_thread::yield();
    }
    subscription.reset();
    EXPECT_TRUE(finished) << "reset returned while the callback still ran";
    caller.join();
}

}  // namespace
}  // namespace parley

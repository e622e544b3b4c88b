#include "net/login_throttle.hpp"

#include <chrono>

#include <gtest/gtest.h>

namespace parley::net {
namespace {

using namespace std::chrono_literals;

TEST(LoginThrottleTest, AnAddressMayFailABurstThenWaitsForTokens) {
    LoginThrottle throttle(config::LoginThrottleSettings{2.0, 3});
    const auto t0 = LoginThrottle::Clock::now();
    for (int i = 0; i < 3; ++i) {
        EXPECT_FALSE(throttle.wait_before_login(7, t0).has_value());
        throttle.failed(7, t0);
    }
    const auto wait = throttle.wait_before_login(7, t0);
    ASSERT_TRUE(wait.has_value());
    EXPECT_EQ(wait->count(), 500) << "one token at two per second";
    EXPECT_FALSE(throttle.wait_before_login(8, t0).has_value()) << "other addresses are free";
    EXPECT_FALSE(throttle.wait_before_login(7, t0 + 500ms).has_value());
}

}  // namespace
}  // namespace parley::net

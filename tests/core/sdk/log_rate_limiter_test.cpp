// LogRateLimiter: at most N lines a window, and the next line let through counts the rest.
#include <gtest/gtest.h>

#include <parley/log_rate_limiter.hpp>

namespace parley {
namespace {

using namespace std::chrono_literals;
using Clock = LogRateLimiter::Clock;

TEST(LogRateLimiterTest, LetsTheFirstLinesOfAWindowThroughAndCountsTheRest) {
    LogRateLimiter limiter(3, 1s);
    const Clock::time_point start{100s};
    for (int i = 0; i < 3; ++i) {
        const auto verdict = limiter.admit(start + std::chrono::milliseconds(i));
        EXPECT_TRUE(verdict.log) << i;
        EXPECT_EQ(verdict.suppressed, 0U) << i;
    }
    for (int i = 0; i < 5; ++i) {
        EXPECT_FALSE(limiter.admit(start + 500ms).log);
    }
    const auto next = limiter.admit(start + 1s);
    EXPECT_TRUE(next.log);
    EXPECT_EQ(next.suppressed, 5U) << "the first line of the next window reports the dropped";
    EXPECT_EQ(limiter.admit(start + 1s).suppressed, 0U) << "reported once";
}

TEST(LogRateLimiterTest, AWindowStartsWithItsFirstLine) {
    LogRateLimiter limiter(1, 1s);
    const Clock::time_point start{100s};
    EXPECT_TRUE(limiter.admit(start).log);
    EXPECT_FALSE(limiter.admit(start + 999ms).log);
    EXPECT_TRUE(limiter.admit(start + 10s).log);
    EXPECT_FALSE(limiter.admit(start + 10s + 999ms).log) << "the window restarted at 10 s";
}

TEST(LogRateLimiterTest, ZeroLinesDropsEverything) {
    LogRateLimiter limiter(0, 1s);
    EXPECT_FALSE(limiter.admit(Clock::time_point{1s}).log);
    EXPECT_FALSE(limiter.admit(Clock::time_point{5s}).log);
}

}  // namespace
}  // namespace parley

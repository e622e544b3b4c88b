// retry_later / retry_after: the one way a 4000 asks a client to wait, and reads it back.
#include <chrono>

#include <gtest/gtest.h>

#include <parley/error.hpp>

namespace parley {
namespace {

using namespace std::chrono_literals;

TEST(RetryLaterTest, SaysTheWaitInTheMessageAndInTheData) {
    const Error error = retry_later("more than 5 messages per second", 1500ms);
    EXPECT_EQ(error.code(), ErrorCode::rate_limited);
    EXPECT_STREQ(error.what(), "more than 5 messages per second; retry in 1500 ms");
    EXPECT_EQ(error.data(), "retry_after_ms=1500");
    EXPECT_EQ(retry_after(error.data()), 1500ms);
}

TEST(RetryLaterTest, DataWithoutAWaitNamesNone) {
    EXPECT_EQ(retry_after(""), std::nullopt);
    EXPECT_EQ(retry_after("retry_after_ms="), std::nullopt);
    EXPECT_EQ(retry_after("retry_after_ms=soon"), std::nullopt);
    EXPECT_EQ(retry_after("other=1;retry_after_ms=20"), 20ms);
}

}  // namespace
}  // namespace parley

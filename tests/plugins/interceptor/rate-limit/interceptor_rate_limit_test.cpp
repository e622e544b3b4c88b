// interceptor-rate-limit's settings, loaded as parleyd loads the plugin.

#include <string>
#include <string_view>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <parley/config_node.hpp>

#include "plugins/plugin_test_host.hpp"

namespace parley::test {
namespace {

using ::testing::HasSubstr;

std::string load_error(std::string_view yaml) {
    return parley::test::load_error("interceptor", "rate-limit", yaml);
}

TEST(RateLimitSettingsTest, LoadsWithValidSettings) {
    PluginTestHost host;
    host.load("interceptor", "rate-limit", "messages_per_second: 0.5\nburst: 3\n");
    EXPECT_EQ(host.interceptors.size(), 1u);
}

TEST(RateLimitSettingsTest, RefusesARateThatIsNotANumber) {
    // nan compares false with everything, so the limiter would never refuse a frame.
    EXPECT_THAT(load_error("messages_per_second: nan\n"),
                HasSubstr("messages_per_second: expected a finite number, found 'nan'"));
    EXPECT_THAT(load_error("messages_per_second: inf\n"), HasSubstr("expected a finite number"));
}

TEST(RateLimitSettingsTest, RefusesARateThatIsNotPositive) {
    EXPECT_THAT(load_error("messages_per_second: -1\n"),
                HasSubstr("test.yaml:1:22: messages_per_second must be positive"));
    EXPECT_THAT(load_error("messages_per_second: 0\n"),
                HasSubstr("messages_per_second must be positive"));
}

TEST(RateLimitSettingsTest, RefusesARateTooLargeToLimitAnything) {
    EXPECT_THAT(load_error("messages_per_second: 1e300\n"),
                HasSubstr("messages_per_second must be positive and at most 1000000"));
}

TEST(RateLimitSettingsTest, TypesMayBeNamed) {
    PluginTestHost host;
    host.load("interceptor", "rate-limit",
              "types: [handshake, heartbeat, join, leave, presence, private, group, 128]\n");
    EXPECT_EQ(host.interceptors.size(), 1u);
    EXPECT_THAT(load_error("types: [hanshake]\n"), HasSubstr("unknown frame type 'hanshake'"));
}

TEST(RateLimitSettingsTest, RefusesUnknownKeysAndBadTypes) {
    EXPECT_THAT(load_error("burts: 3\n"), HasSubstr("did you mean 'burst'?"));
    EXPECT_THAT(load_error("types: [0]\n"), HasSubstr("out of range [1, 255]"));
}

}  // namespace
}  // namespace parley::test

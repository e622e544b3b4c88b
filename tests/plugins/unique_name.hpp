#pragma once
// Names (key prefixes, topic prefixes) no other test, test process or earlier run uses, so tests
// can share one backend server.

#include <atomic>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

namespace parley::test {

/// "t<sep><test name><sep><pid><sep><counter><sep>", e.g. "t:GroupMembership:4242:0:".
inline std::string unique_prefix(char separator) {
    static std::atomic<int> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    const std::string sep(1, separator);
    std::string name = info->name();
    for (char& c : name) {
        if (c == '/') {
            c = '-';  // typed tests are named "Suite/0"; '/' is no good in a Kafka topic
        }
    }
    return "t" + sep + name + sep + std::to_string(::getpid()) + sep + std::to_string(counter++) +
           sep;
}

}  // namespace parley::test

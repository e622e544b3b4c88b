// The metrics registry on its own: what it exposes, in the text format Prometheus parses.
#include <cmath>
#include <limits>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <parley/metrics.hpp>

namespace parley::metrics {
namespace {

TEST(MetricsRegistry, ExposesEachFamilyOnceWithHelpAndType) {
    Registry registry;
    registry.counter("test_b_total", "B things.", {{"kind", "x"}}).add(3);
    registry.counter("test_b_total", "ignored help", {{"kind", "y"}}).add();
    registry.gauge("test_a", "A level.").set(-7);
    EXPECT_EQ(registry.exposition(),
              "# HELP test_a A level.\n"
              "# TYPE test_a gauge\n"
              "test_a -7\n"
              "# HELP test_b_total B things.\n"
              "# TYPE test_b_total counter\n"
              "test_b_total{kind=\"x\"} 3\n"
              "test_b_total{kind=\"y\"} 1\n");
}

TEST(MetricsRegistry, RegisteringAgainGivesTheSameSeries) {
    Registry registry;
    Counter& first = registry.counter("test_total", "T.", {{"a", "1"}});
    Counter& again = registry.counter("test_total", "T.", {{"a", "1"}});
    EXPECT_EQ(&first, &again);
    EXPECT_NE(&first, &registry.counter("test_total", "T.", {{"a", "2"}}));
}

TEST(MetricsRegistry, RefusesBadNamesAndTypeClashes) {
    Registry registry;
    registry.counter("test_total", "T.");
    EXPECT_THROW(registry.gauge("test_total", "T."), std::invalid_argument);
    EXPECT_THROW(registry.counter("1bad", "T."), std::invalid_argument);
    EXPECT_THROW(registry.counter("bad-name", "T."), std::invalid_argument);
    EXPECT_THROW(registry.counter("ok_total", "T.", {{"bad label", "x"}}), std::invalid_argument);
    EXPECT_THROW(registry.counter("ok_total", "T.", {{"__reserved", "x"}}), std::invalid_argument);
    EXPECT_THROW(registry.histogram("h", "H.", {1, 2}, {{"le", "x"}}), std::invalid_argument);
    EXPECT_THROW(registry.histogram("h2", "H.", {2, 1}), std::invalid_argument);
}

TEST(MetricsRegistry, EscapesLabelValuesAndHelp) {
    Registry registry;
    registry.counter("test_total", "line one\nback\\slash", {{"v", "a\"b\\c\nd"}}).add();
    EXPECT_EQ(registry.exposition(),
              "# HELP test_total line one\\nback\\\\slash\n"
              "# TYPE test_total counter\n"
              "test_total{v=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST(MetricsRegistry, HistogramBucketsAreCumulativeWithInfSumAndCount) {
    Registry registry;
    Histogram& latency = registry.histogram("test_seconds", "S.", {0.25, 1}, {{"op", "get"}});
    latency.observe(0.125);
    latency.observe(0.25);  // on the bound: counted in le="0.25"
    latency.observe(0.5);
    latency.observe(7);
    EXPECT_EQ(registry.exposition(),
              "# HELP test_seconds S.\n"
              "# TYPE test_seconds histogram\n"
              "test_seconds_bucket{op=\"get\",le=\"0.25\"} 2\n"
              "test_seconds_bucket{op=\"get\",le=\"1\"} 3\n"
              "test_seconds_bucket{op=\"get\",le=\"+Inf\"} 4\n"
              "test_seconds_sum{op=\"get\"} 7.875\n"
              "test_seconds_count{op=\"get\"} 4\n");
}

TEST(MetricsRegistry, FunctionGaugesEndWithTheirHandle) {
    Registry registry;
    double level = 2.5;
    {
        Subscription handle =
            registry.gauge_function("test_level", "L.", {}, [&] { return level; });
        EXPECT_EQ(registry.exposition(),
                  "# HELP test_level L.\n# TYPE test_level gauge\ntest_level 2.5\n");
        EXPECT_THROW((void)registry.gauge_function("test_level", "L.", {}, [] { return 0.0; }),
                     std::invalid_argument);
        level = std::numeric_limits<double>::quiet_NaN();
        EXPECT_NE(registry.exposition().find("test_level NaN\n"), std::string::npos);
    }
    EXPECT_EQ(registry.exposition(), "");
    Subscription again = registry.gauge_function("test_level", "L.", {}, [] { return 1.0; });
    EXPECT_NE(registry.exposition().find("test_level 1\n"), std::string::npos);
}

TEST(MetricsRegistry, CountersAddUpAcrossThreads) {
    Registry registry;
    Counter& counter = registry.counter("test_total", "T.");
    constexpr int kThreads = 4;
    constexpr int kAdds = 100000;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&counter] {
            for (int i = 0; i < kAdds; ++i) {
                counter.add();
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(counter.value(), std::uint64_t{kThreads} * kAdds);
}

}  // namespace
}  // namespace parley::metrics

#include <stdexcept>

#include <gtest/gtest.h>

#include <parley/client/backoff.hpp>

namespace parley::client {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, CeilingGrowsByTheMultiplierUpToTheMax) {
    Backoff backoff({milliseconds{200}, milliseconds{10000}, 2.0}, 1);
    std::vector<long> ceilings;
    for (int i = 0; i < 10; ++i) {
        ceilings.push_back(backoff.ceiling().count());
        backoff.next();
    }
    EXPECT_EQ(ceilings,
              (std::vector<long>{200, 400, 800, 1600, 3200, 6400, 10000, 10000, 10000, 10000}));
}

TEST(Backoff, DelaysStayWithinFullJitterRange) {
    Backoff backoff({milliseconds{200}, milliseconds{10000}, 2.0}, 99);
    for (int i = 0; i < 200; ++i) {
        const auto ceiling = backoff.ceiling();
        const auto delay = backoff.next();
        EXPECT_GE(delay.count(), 0);
        EXPECT_LE(delay, ceiling);
        EXPECT_LE(delay, milliseconds{10000}) << "bounded by max";
    }
}

TEST(Backoff, JitterActuallyVaries) {
    Backoff backoff({milliseconds{10000}, milliseconds{10000}, 2.0}, 5);
    std::set<long> delays;
    for (int i = 0; i < 50; ++i) {
        delays.insert(backoff.next().count());
    }
    EXPECT_GT(delays.size(), 40u);
}

TEST(Backoff, DelaysGrowOnAverage) {
    Backoff backoff({milliseconds{100}, milliseconds{100000}, 2.0}, 11);
    auto average_of_next = [&backoff](int count) {
        double sum = 0;
        for (int i = 0; i < count; ++i) {
            sum += static_cast<double>(backoff.next().count());
            backoff.reset();
        }
        return sum / count;
    };
    const double first = average_of_next(400);  // ceiling 100: mean about 50
    for (int i = 0; i < 5; ++i) {
        backoff.next();
    }
    double later = 0;
    for (int i = 0; i < 400; ++i) {
        for (int j = 0; j < 5; ++j) {
            backoff.next();
        }
        later += static_cast<double>(backoff.next().count());  // ceiling 3200: mean about 1600
        backoff.reset();
    }
    later /= 400;
    EXPECT_LT(first, 80);
    EXPECT_GT(later, 1000);
}

TEST(Backoff, ResetStartsAgainAtInitial) {
    Backoff backoff({milliseconds{200}, milliseconds{10000}, 2.0}, 1);
    for (int i = 0; i < 5; ++i) {
        backoff.next();
    }
    backoff.reset();
    EXPECT_EQ(backoff.ceiling(), milliseconds{200});
}

TEST(Backoff, HugeMultiplierDoesNotOverflow) {
    Backoff backoff({milliseconds{1}, milliseconds{5000}, 1e300}, 1);
    backoff.next();
    EXPECT_EQ(backoff.ceiling(), milliseconds{5000});
    backoff.next();
    EXPECT_EQ(backoff.ceiling(), milliseconds{5000});
}

TEST(Backoff, RefusesNonsense) {
    EXPECT_THROW(Backoff({milliseconds{0}, milliseconds{10}, 2.0}), std::invalid_argument);
    EXPECT_THROW(Backoff({milliseconds{100}, milliseconds{10}, 2.0}), std::invalid_argument);
    EXPECT_THROW(Backoff({milliseconds{100}, milliseconds{1000}, 0.5}), std::invalid_argument);
}

}  // namespace
}  // namespace parley::client

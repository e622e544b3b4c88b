// The per-loop deadline clock that replaced a timer per session: order, cancelling,
// rescheduling from the callback, and entries that go away while scheduled.
#include "net/session_clock.hpp"

#include <chrono>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

namespace parley::net {
namespace {

using namespace std::chrono_literals;
using Clock = SessionClock::Clock;

struct Expiry {
    int id;
    Clock::time_point at;
    Clock::time_point due;
};

struct TestEntry : ClockEntry {
    TestEntry(int entry_id, SessionClock& owner, std::vector<Expiry>& expiries)
        : id(entry_id), clock(&owner), log(&expiries) {}

    int id;
    int repeats = 0;        // how many more times to reschedule itself from the callback
    bool from_due = false;  // reschedule with schedule_next()
    std::chrono::milliseconds busy{0};  // how long the callback keeps the loop busy
    SessionClock* clock;
    std::vector<Expiry>* log;
};

void record(ClockEntry& entry) {
    auto& e = static_cast<TestEntry&>(entry);
    e.log->push_back({e.id, Clock::now(), e.due()});
    std::this_thread::sleep_for(e.busy);
    if (e.repeats > 0) {
        --e.repeats;
        if (e.from_due) {
            e.clock->schedule_next(e, 0, 20ms);
        } else {
            e.clock->schedule(e, 0, 20ms);
        }
    }
}

class SessionClockTest : public ::testing::Test {
  protected:
    std::vector<int> ids() const {
        std::vector<int> out;
        for (const auto& e : log) {
            out.push_back(e.id);
        }
        return out;
    }

    boost::asio::io_context io{1};
    SessionClock clock{io.get_executor(), &record};
    std::vector<Expiry> log;
};

TEST_F(SessionClockTest, EntriesExpireInDeadlineOrderAcrossQueuesAndNeverEarly) {
    TestEntry a{1, clock, log}, b{2, clock, log}, c{3, clock, log};
    const auto start = Clock::now();
    clock.schedule(a, 0, 60ms);
    clock.schedule(b, 1, 20ms);
    clock.schedule(c, 2, 40ms);
    io.run_for(300ms);
    ASSERT_EQ(ids(), (std::vector<int>{2, 3, 1}));
    EXPECT_GE(log[0].at - start, 20ms);
    EXPECT_GE(log[1].at - start, 40ms);
    EXPECT_GE(log[2].at - start, 60ms);
    EXPECT_FALSE(a.scheduled());
}

TEST_F(SessionClockTest, CancelledAndDestroyedEntriesNeverExpire) {
    TestEntry kept{1, clock, log}, cancelled{2, clock, log};
    clock.schedule(kept, 0, 30ms);
    clock.schedule(cancelled, 0, 10ms);
    {
        TestEntry gone{3, clock, log};
        clock.schedule(gone, 1, 10ms);
    }  // leaves its queue as it is destroyed
    clock.cancel(cancelled);
    EXPECT_FALSE(cancelled.scheduled());
    io.run_for(200ms);
    EXPECT_EQ(ids(), (std::vector<int>{1}));
}

TEST_F(SessionClockTest, SchedulingAgainMovesTheDeadline) {
    TestEntry a{1, clock, log}, b{2, clock, log};
    clock.schedule(a, 0, 10ms);
    clock.schedule(b, 0, 30ms);
    clock.schedule(a, 0, 60ms);  // later than b now, though scheduled first
    io.run_for(300ms);
    EXPECT_EQ(ids(), (std::vector<int>{2, 1}));
}

TEST_F(SessionClockTest, AnEntryMayRescheduleItselfWhenItExpires) {
    TestEntry periodic{7, clock, log};
    periodic.repeats = 2;
    clock.schedule(periodic, 0, 20ms);
    io.run_for(400ms);
    EXPECT_EQ(ids(), (std::vector<int>{7, 7, 7}));
    EXPECT_FALSE(periodic.scheduled());
}

TEST_F(SessionClockTest, APeriodicDeadlineDoesNotDriftWhenTheLoopIsLate) {
    // Each expiry is served late (the grid, a busy loop); the next period still counts from
    // when the last one was due, so the lateness never adds up.
    TestEntry periodic{7, clock, log};
    periodic.repeats = 5;
    periodic.from_due = true;
    periodic.busy = 15ms;
    clock.schedule(periodic, 0, 20ms);
    io.run_for(1s);
    ASSERT_EQ(log.size(), 6U);
    for (std::size_t i = 1; i < log.size(); ++i) {
        EXPECT_EQ(log[i].due - log[i - 1].due, 20ms) << "period " << i;
        EXPECT_GE(log[i].at, log[i].due) << "never early";
    }
}

TEST_F(SessionClockTest, ClearUnschedulesEverything) {
    TestEntry a{1, clock, log}, b{2, clock, log};
    clock.schedule(a, 0, 10ms);
    clock.schedule(b, 2, 10ms);
    clock.clear();
    EXPECT_FALSE(a.scheduled());
    EXPECT_FALSE(b.scheduled());
    io.run_for(100ms);
    EXPECT_TRUE(log.empty());
}

}  // namespace
}  // namespace parley::net

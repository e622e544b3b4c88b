#pragma once

#include <array>
#include <chrono>
#include <cstddef>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace parley::net {

/// A place in one of SessionClock's queues, embedded in whatever waits for a deadline, so
/// that scheduling allocates nothing. 24 bytes.
class ClockEntry {
  public:
    ClockEntry() = default;
    ClockEntry(const ClockEntry&) = delete;
    ClockEntry& operator=(const ClockEntry&) = delete;
    ~ClockEntry() { unlink(); }

    bool scheduled() const noexcept { return next_ != nullptr; }
    /// When the entry is (or was last) due, on the clock's grid.
    std::chrono::steady_clock::time_point due() const noexcept { return due_; }

  private:
    friend class SessionClock;
    void unlink() noexcept;

    ClockEntry* prev_ = nullptr;
    ClockEntry* next_ = nullptr;
    std::chrono::steady_clock::time_point due_{};
};

/// The deadlines of every session on one loop, served by one timer instead of a timer (and a
/// pending wait) per session. Entries sit in a few queues; all deadlines in one queue have the
/// same length (the handshake time-out, the heartbeat interval, ...), so a new one belongs at
/// the back and scheduling and cancelling are O(1). Deadlines are served on a 10 ms grid: never
/// early, at most 10 ms late, and entries due within one step of the grid wake the loop once.
///
/// Not thread safe: use it on its loop only.
class SessionClock {
  public:
    using Clock = std::chrono::steady_clock;
    /// Called, on the loop, with an entry whose deadline passed; the entry is no longer
    /// scheduled and may be scheduled again.
    using Expired = void (*)(ClockEntry& entry);
    static constexpr std::size_t kQueues = 4;
    static constexpr auto kResolution = std::chrono::milliseconds(10);

    SessionClock(boost::asio::io_context::executor_type executor, Expired expired);
    ~SessionClock();
    SessionClock(const SessionClock&) = delete;
    SessionClock& operator=(const SessionClock&) = delete;

    /// Schedules `entry` in `queue`, due `after` from now, taking it out of any queue it was in.
    void schedule(ClockEntry& entry, std::size_t queue, Clock::duration after);
    /// Schedules `entry` in `queue`, due `after` from when it was last due: for a periodic
    /// deadline, whose lateness (the grid, a busy loop) must not add up from one period to
    /// the next. Call it from the expiry callback.
    void schedule_next(ClockEntry& entry, std::size_t queue, Clock::duration after);
    void cancel(ClockEntry& entry) noexcept { entry.unlink(); }
    /// Calls `visit(entry)` for every scheduled entry; `visit` must not schedule or cancel.
    template <typename Visit>
    void for_each(Visit visit) {
        for (auto& head : queues_) {
            for (ClockEntry* entry = head.next_; entry != &head; entry = entry->next_) {
                visit(*entry);
            }
        }
    }
    /// Unschedules every entry and stops the timer, for the loop's shutdown.
    void clear() noexcept;

  private:
    /// Rounds up to the grid, so that deadlines close together share one wake-up.
    static Clock::time_point on_grid(Clock::time_point at) noexcept;
    void insert(ClockEntry& entry, std::size_t queue, Clock::time_point due);
    void arm(Clock::time_point due);
    void on_timer();

    std::array<ClockEntry, kQueues> queues_;  // heads of circular lists
    boost::asio::steady_timer timer_;
    Clock::time_point armed_for_ = Clock::time_point::max();
    Expired expired_;
};

}  // namespace parley::net

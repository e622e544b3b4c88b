#include "net/session_clock.hpp"

#include <algorithm>

namespace parley::net {

void ClockEntry::unlink() noexcept {
    if (next_ == nullptr) {
        return;
    }
    prev_->next_ = next_;
    next_->prev_ = prev_;
    prev_ = next_ = nullptr;
}

SessionClock::SessionClock(boost::asio::io_context::executor_type executor, Expired expired)
    : timer_(executor), expired_(expired) {
    for (auto& head : queues_) {
        head.prev_ = head.next_ = &head;
    }
}

SessionClock::~SessionClock() {
    clear();
}

void SessionClock::schedule(ClockEntry& entry, std::size_t queue, Clock::duration after) {
    insert(entry, queue, on_grid(Clock::now() + after));
}

void SessionClock::schedule_next(ClockEntry& entry, std::size_t queue, Clock::duration after) {
    insert(entry, queue, on_grid(entry.due_ + after));
}

SessionClock::Clock::time_point SessionClock::on_grid(Clock::time_point at) noexcept {
    const auto step = std::chrono::duration_cast<Clock::duration>(kResolution);
    const auto since_epoch = at.time_since_epoch();
    return Clock::time_point{(since_epoch + step - Clock::duration{1}) / step * step};
}

void SessionClock::insert(ClockEntry& entry, std::size_t queue, Clock::time_point due) {
    entry.unlink();
    entry.due_ = due;
    ClockEntry& head = queues_[queue];
    // Walk back past later deadlines: none when every deadline in the queue has one length.
    ClockEntry* before = head.prev_;
    while (before != &head && before->due_ > entry.due_) {
        before = before->prev_;
    }
    entry.prev_ = before;
    entry.next_ = before->next_;
    before->next_->prev_ = &entry;
    before->next_ = &entry;
    arm(entry.due_);
}

void SessionClock::clear() noexcept {
    for (auto& head : queues_) {
        while (head.next_ != &head) {
            head.next_->unlink();
        }
    }
    timer_.cancel();
    armed_for_ = Clock::time_point::max();
}

void SessionClock::arm(Clock::time_point at) {
    // Every due time is on the grid already.
    if (at >= armed_for_) {
        return;
    }
    armed_for_ = at;
    timer_.expires_at(at);  // cancels a later wait, whose handler then sees operation_aborted
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) {
            on_timer();
        }
    });
}

void SessionClock::on_timer() {
    armed_for_ = Clock::time_point::max();
    const auto now = Clock::now();
    for (auto& head : queues_) {
        // The entry leaves the queue before its owner hears of it, so the owner may schedule it
        // again, or change other entries, freely.
        while (head.next_ != &head && head.next_->due_ <= now) {
            ClockEntry& entry = *head.next_;
            entry.unlink();
            expired_(entry);
        }
    }
    auto earliest = Clock::time_point::max();
    for (const auto& head : queues_) {
        if (head.next_ != &head) {
            earliest = std::min(earliest, head.next_->due_);
        }
    }
    if (earliest != Clock::time_point::max()) {
        arm(earliest);
    }
}

}  // namespace parley::net

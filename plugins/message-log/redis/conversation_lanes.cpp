#include "conversation_lanes.hpp"

#include <algorithm>
#include <utility>

#include <boost/asio/post.hpp>

namespace parley::plugins::message_log_redis {

ConversationLanes::Turn::Turn(Turn&& other) noexcept
    : lanes_(std::exchange(other.lanes_, nullptr)), key_(other.key_) {}

ConversationLanes::Turn::~Turn() {
    if (lanes_ != nullptr) {
        lanes_->release(key_);
    }
}

ConversationLanes::ConversationLanes(std::size_t max_in_flight)
    : max_in_flight_(std::max<std::size_t>(1, max_in_flight)) {}

ConversationLanes::~ConversationLanes() {
    std::map<Key, Lane> lanes;
    std::deque<WaiterPtr> awaiting;
    {
        const std::lock_guard lock(mutex_);
        lanes.swap(lanes_);
        awaiting.swap(awaiting_slot_);
    }
    // Destroyed outside the lock: a dropped coroutine's frames may hold other turns.
    awaiting.clear();
    lanes.clear();
}

asio::awaitable<ConversationLanes::Turn> ConversationLanes::enter(Conversation conversation,
                                                                  UserId sender) {
    const Key key{conversation, sender};
    auto waiter = std::make_shared<Waiter>();
    {
        const std::lock_guard lock(mutex_);
        const auto [lane, first] = lanes_.try_emplace(key);
        if (first && in_flight_ < max_in_flight_) {
            ++in_flight_;
            co_return Turn(*this, key);
        }
        if (first) {
            awaiting_slot_.push_back(waiter);  // holds the lane while it waits for a slot
        } else {
            lane->second.waiting.push_back(waiter);
        }
    }
    auto wait = [this, waiter](Wake wake) {
        std::unique_lock lock(mutex_);
        if (waiter->granted) {
            lock.unlock();
            asio::post(std::move(wake));  // granted by another thread meanwhile
            return;
        }
        waiter->wake.emplace(std::move(wake));
    };
    co_await asio::async_initiate<const asio::use_awaitable_t<>&, void()>(std::move(wait),
                                                                          asio::use_awaitable);
    co_return Turn(*this, key);
}

void ConversationLanes::grant(Waiter& waiter, Wakes& wakes) {
    if (!waiter.wake) {
        waiter.granted = true;  // it resumes at once when it suspends
        return;
    }
    wakes.push_back(std::move(*waiter.wake));
    waiter.wake.reset();
}

void ConversationLanes::admit(WaiterPtr waiter, Wakes& wakes) {
    if (in_flight_ < max_in_flight_ && awaiting_slot_.empty()) {
        ++in_flight_;
        grant(*waiter, wakes);
        return;
    }
    awaiting_slot_.push_back(std::move(waiter));
}

void ConversationLanes::release(const Key& key) {
    Wakes wakes;
    {
        const std::lock_guard lock(mutex_);
        --in_flight_;
        if (const auto lane = lanes_.find(key); lane != lanes_.end()) {
            if (lane->second.waiting.empty()) {
                lanes_.erase(lane);
            } else {
                WaiterPtr next = std::move(lane->second.waiting.front());
                lane->second.waiting.pop_front();
                admit(std::move(next), wakes);
            }
        }
        while (in_flight_ < max_in_flight_ && !awaiting_slot_.empty()) {
            ++in_flight_;
            grant(*awaiting_slot_.front(), wakes);
            awaiting_slot_.pop_front();
        }
    }
    // Posted, after the lock: each resumes on its own executor, not inside the append that ends
    // here.
    for (Wake& wake : wakes) {
        asio::post(std::move(wake));
    }
}

std::size_t ConversationLanes::in_flight() const {
    const std::lock_guard lock(mutex_);
    return in_flight_;
}

}  // namespace parley::plugins::message_log_redis

#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include <boost/asio/use_awaitable.hpp>

#include <parley/asio.hpp>
#include <parley/message_log.hpp>

namespace parley::plugins::message_log_redis {

/// Decides when an append may go to Redis.
///
/// Order: one append at a time per conversation and sender, in the order the appends asked for
/// their turn. Redis runs the commands of one connection in order, but the pool spreads
/// commands over several connections, and an append whose reply was lost is sent again behind
/// later commands: waiting for the sender's previous append to the same conversation keeps the
/// order of what one sender (one session, pipelining) writes there, while other senders, and
/// other conversations, run side by side.
///
/// Load: at most `max_in_flight` appends at a time over all conversations; the rest wait here,
/// first come first served. Sessions that pipeline keep up to 32 messages each in flight, and
/// an overloaded Redis would otherwise queue them all and answer later than command_timeout,
/// which drops the connections and fails every append in flight: waiting here keeps Redis's
/// queue short and lets back-pressure reach the clients instead.
///
/// Thread safe. A caller resumes on its own executor when its turn comes.
class ConversationLanes {
  public:
    /// A lane: a conversation and one sender's appends to it.
    struct Key {
        Conversation conversation;
        UserId sender = kNoUser;
        auto operator<=>(const Key&) const = default;
    };

    /// An append's place, held; the next appends go when it is dropped.
    class Turn {
      public:
        Turn(Turn&& other) noexcept;
        Turn& operator=(Turn&&) = delete;
        Turn(const Turn&) = delete;
        Turn& operator=(const Turn&) = delete;
        ~Turn();

      private:
        friend class ConversationLanes;
        Turn(ConversationLanes& lanes, const Key& key) noexcept : lanes_(&lanes), key_(key) {}

        ConversationLanes* lanes_;
        Key key_;
    };

    explicit ConversationLanes(std::size_t max_in_flight);
    ConversationLanes(const ConversationLanes&) = delete;
    ConversationLanes& operator=(const ConversationLanes&) = delete;
    /// Callers still waiting are dropped with their coroutines (the log is going away).
    ~ConversationLanes();

    /// Takes a place in the lane of `sender`'s appends to `conversation` before it first
    /// suspends, so calls made one after the other on one thread get their turns in that order,
    /// and completes when it is this caller's turn (at once when the lane is free and the budget
    /// allows).
    asio::awaitable<Turn> enter(Conversation conversation, UserId sender);

    /// Appends holding a turn now.
    std::size_t in_flight() const;

  private:
    using Wake = asio::async_result<asio::use_awaitable_t<>, void()>::handler_type;
    struct Waiter {
        std::optional<Wake> wake;  // set once the waiting coroutine has suspended
        bool granted = false;      // its turn came before it had suspended
    };
    using WaiterPtr = std::shared_ptr<Waiter>;
    struct Lane {
        std::deque<WaiterPtr> waiting;  // behind the append that holds the lane
    };
    /// Waiters granted their turn, to resume once the lock is released.
    using Wakes = std::vector<Wake>;

    /// Lets `waiter`, now first in its lane, go if the budget allows, or queues it for a slot.
    void admit(WaiterPtr waiter, Wakes& wakes);
    static void grant(Waiter& waiter, Wakes& wakes);
    /// Passes the lane on, or frees it, and gives the freed slot away.
    void release(const Key& key);

    const std::size_t max_in_flight_;
    mutable std::mutex mutex_;
    std::map<Key, Lane> lanes_;
    std::deque<WaiterPtr> awaiting_slot_;  // first in their lanes, waiting for the budget
    std::size_t in_flight_ = 0;
};

}  // namespace parley::plugins::message_log_redis

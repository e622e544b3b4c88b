#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include <parley/client/client_events.hpp>
#include <parley/client/conversation.hpp>

#include "position_tracker.hpp"
#include "reorder_buffer.hpp"

namespace parley::client {

/// Puts sequenced messages in order: each conversation's messages leave in seq order, once
/// each, and the position moves as they do. A seq already passed is a duplicate and dropped;
/// one beyond position + 1 waits in the reorder buffer for the gap to fill.
class SequencedInbox {
  public:
    using Clock = ReorderBuffer::Clock;

    explicit SequencedInbox(Positions initial) : positions_(std::move(initial)) {}

    /// A received message. Returns the messages now due, in order (perhaps none).
    std::vector<ChatEvent> accept(const ConversationId& conversation, std::uint64_t seq,
                                  ChatEvent event, Clock::time_point now);
    /// One of the user's own messages, stored as `seq` (an ACK, or a replay of it): it takes
    /// its place without being delivered. Returns the messages now due.
    std::vector<ChatEvent> accept_own(const ConversationId& conversation, std::uint64_t seq,
                                      std::uint64_t epoch, Clock::time_point now);
    /// A sync's word on a conversation: adopts the log's epoch and, when messages are `lost`,
    /// moves past them to `delivered` (what the replay brought is in order before it). Returns
    /// the messages now due.
    std::vector<ChatEvent> settle(const StreamReport& stream, std::uint64_t delivered);

    /// The user's position in `conversation` is at least `seq` (a group joined at `seq`):
    /// nothing up to it is delivered. Returns the held messages now due.
    std::vector<ChatEvent> start_at(const ConversationId& conversation, std::uint64_t seq,
                                    std::uint64_t epoch);
    /// A sync starts: until end_sync(), messages at or below a position are kept aside
    /// rather than dropped, for a SYNC DONE that reports a new epoch (settle()).
    void begin_sync();
    void end_sync();

    PositionTracker& positions() { return positions_; }
    ReorderBuffer& held() { return held_; }

  private:
    std::vector<ChatEvent> place(const ConversationId& conversation, std::uint64_t seq,
                                 ReorderBuffer::Entry entry, std::uint64_t epoch,
                                 Clock::time_point now);
    /// Moves the position over the held run after it, collecting the events.
    void release(const ConversationId& conversation, std::vector<ChatEvent>& due);

    PositionTracker positions_;
    ReorderBuffer held_;
    bool syncing_ = false;
    // During a sync: what looked like duplicates, by conversation and seq.
    std::map<ConversationId, std::map<std::uint64_t, ChatEvent>> aside_;
};

}  // namespace parley::client

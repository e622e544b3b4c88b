#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include <parley/client/client_events.hpp>
#include <parley/client/conversation.hpp>

namespace parley::client {

/// Messages that arrived ahead of a gap in their conversation, held until the gap fills.
/// An entry without an event is one of the user's own messages: it fills its place in the
/// sequence but is not delivered.
class ReorderBuffer {
  public:
    using Clock = std::chrono::steady_clock;
    using Entry = std::optional<ChatEvent>;

    /// Held messages per conversation at most. A message beyond it is dropped: the SYNC that
    /// fills the gap brings it again.
    static constexpr std::size_t kMaxHeldPerConversation = 1000;

    /// Holds `entry` as `seq`; false when it is held already or the conversation is full.
    bool hold(const ConversationId& conversation, std::uint64_t seq, Entry entry,
              Clock::time_point now);
    /// Removes and returns the held run that follows `position`: position + 1, + 2, ...
    std::vector<Entry> take_run(const ConversationId& conversation, std::uint64_t position);
    /// Forgets what is held at or below `seq`.
    void drop_through(const ConversationId& conversation, std::uint64_t seq);

    /// Whether some conversation has waited for a missing message since before `cutoff`.
    bool gap_older_than(Clock::time_point cutoff) const;
    /// Starts every gap's wait afresh, after a sync that did not fill it.
    void restart_gap_clocks(Clock::time_point now);

  private:
    struct Held {
        std::map<std::uint64_t, Entry> by_seq;
        Clock::time_point gap_since;  ///< when the oldest unfilled gap was first seen
    };

    std::map<ConversationId, Held> held_;
};

}  // namespace parley::client

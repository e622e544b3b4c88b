#pragma once

#include <mutex>
#include <set>
#include <utility>
#include <vector>

#include <parley/client/conversation.hpp>

namespace parley::client {

/// The client's position in each conversation, and which positions moved since the server was
/// last told (RECEIVED). The strand writes; any thread may take a snapshot, hence the mutex.
class PositionTracker {
  public:
    explicit PositionTracker(Positions initial);

    ConversationPosition get(const ConversationId& conversation) const;
    /// Records `position`; a change is remembered for the next take_moved().
    void set(const ConversationId& conversation, ConversationPosition position);
    Positions snapshot() const;
    /// The positions that moved since the last call, and forgets that they moved.
    std::vector<std::pair<ConversationId, ConversationPosition>> take_moved();

  private:
    mutable std::mutex mutex_;
    Positions positions_;
    std::set<ConversationId> moved_;
};

}  // namespace parley::client

#include "position_tracker.hpp"

namespace parley::client {

PositionTracker::PositionTracker(Positions initial) : positions_(std::move(initial)) {}

ConversationPosition PositionTracker::get(const ConversationId& conversation) const {
    const std::lock_guard lock(mutex_);
    const auto it = positions_.find(conversation);
    return it == positions_.end() ? ConversationPosition{} : it->second;
}

void PositionTracker::set(const ConversationId& conversation, ConversationPosition position) {
    const std::lock_guard lock(mutex_);
    ConversationPosition& current = positions_[conversation];
    if (current != position) {
        current = position;
        moved_.insert(conversation);
    }
}

Positions PositionTracker::snapshot() const {
    const std::lock_guard lock(mutex_);
    return positions_;
}

std::vector<std::pair<ConversationId, ConversationPosition>> PositionTracker::take_moved() {
    const std::lock_guard lock(mutex_);
    std::vector<std::pair<ConversationId, ConversationPosition>> moved;
    for (const ConversationId& conversation : moved_) {
        moved.emplace_back(conversation, positions_[conversation]);
    }
    moved_.clear();
    return moved;
}

}  // namespace parley::client

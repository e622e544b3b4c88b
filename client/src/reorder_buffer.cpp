#include "reorder_buffer.hpp"

#include <algorithm>

namespace parley::client {

bool ReorderBuffer::hold(const ConversationId& conversation, std::uint64_t seq, Entry entry,
                         Clock::time_point now) {
    Held& held = held_[conversation];
    if (held.by_seq.empty()) {
        held.gap_since = now;
    }
    if (held.by_seq.size() >= kMaxHeldPerConversation || held.by_seq.contains(seq)) {
        return false;
    }
    held.by_seq.emplace(seq, std::move(entry));
    return true;
}

std::vector<ReorderBuffer::Entry> ReorderBuffer::take_run(const ConversationId& conversation,
                                                          std::uint64_t position) {
    std::vector<Entry> run;
    const auto it = held_.find(conversation);
    if (it == held_.end()) {
        return run;
    }
    auto& by_seq = it->second.by_seq;
    while (!by_seq.empty() && by_seq.begin()->first == position + 1) {
        run.push_back(std::move(by_seq.begin()->second));
        by_seq.erase(by_seq.begin());
        ++position;
    }
    if (by_seq.empty()) {
        held_.erase(it);
    } else if (!run.empty()) {
        it->second.gap_since = Clock::now();  // a new gap: its wait starts now
    }
    return run;
}

void ReorderBuffer::drop_through(const ConversationId& conversation, std::uint64_t seq) {
    const auto it = held_.find(conversation);
    if (it == held_.end()) {
        return;
    }
    auto& by_seq = it->second.by_seq;
    by_seq.erase(by_seq.begin(), by_seq.upper_bound(seq));
    if (by_seq.empty()) {
        held_.erase(it);
    }
}

bool ReorderBuffer::gap_older_than(Clock::time_point cutoff) const {
    return std::any_of(held_.begin(), held_.end(),
                       [cutoff](const auto& entry) { return entry.second.gap_since < cutoff; });
}

void ReorderBuffer::restart_gap_clocks(Clock::time_point now) {
    for (auto& [conversation, held] : held_) {
        held.gap_since = now;
    }
}

}  // namespace parley::client

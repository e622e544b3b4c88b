#include "sequenced_inbox.hpp"

#include <algorithm>

namespace parley::client {

std::vector<ChatEvent> SequencedInbox::accept(const ConversationId& conversation, std::uint64_t seq,
                                              ChatEvent event, Clock::time_point now) {
    return place(conversation, seq, std::move(event), 0, now);
}

std::vector<ChatEvent> SequencedInbox::accept_own(const ConversationId& conversation,
                                                  std::uint64_t seq, std::uint64_t epoch,
                                                  Clock::time_point now) {
    return place(conversation, seq, std::nullopt, epoch, now);
}

std::vector<ChatEvent> SequencedInbox::place(const ConversationId& conversation, std::uint64_t seq,
                                             ReorderBuffer::Entry entry, std::uint64_t epoch,
                                             Clock::time_point now) {
    std::vector<ChatEvent> due;
    ConversationPosition position = positions_.get(conversation);
    if (epoch != 0 && position.epoch != epoch) {
        position.epoch = epoch;
        positions_.set(conversation, position);
    }
    if (seq <= position.seq) {
        if (syncing_ && entry) {
            aside_[conversation].try_emplace(seq, std::move(*entry));
        }
        return due;  // a duplicate: a replay or a resend of what is here already
    }
    if (seq == position.seq + 1) {
        if (entry) {
            due.push_back(std::move(*entry));
        }
        position.seq = seq;
        positions_.set(conversation, position);
        release(conversation, due);
        return due;
    }
    held_.hold(conversation, seq, std::move(entry), now);
    return due;
}

std::vector<ChatEvent> SequencedInbox::settle(const StreamReport& stream, std::uint64_t delivered) {
    std::vector<ChatEvent> due;
    ConversationPosition position = positions_.get(stream.conversation);
    const bool new_epoch = position.epoch != 0 && position.epoch != stream.epoch;
    position.epoch = stream.epoch;
    if (new_epoch) {
        // The log was reset and numbers afresh: what the replay brought under the new numbers
        // was taken for duplicates of the old ones, and is new. What the old epoch held that
        // never came is gone; the application hears of it through `lost`.
        if (const auto kept = aside_.find(stream.conversation); kept != aside_.end()) {
            for (auto& [seq, event] : kept->second) {
                if (seq <= delivered) {
                    due.push_back(std::move(event));
                }
            }
            aside_.erase(kept);
        }
        position.seq = delivered;
    } else if (stream.lost && stream.first_seq > 0) {
        position.seq = std::max(position.seq, stream.first_seq - 1);
    }
    held_.drop_through(stream.conversation, position.seq);
    positions_.set(stream.conversation, position);
    release(stream.conversation, due);
    return due;
}

void SequencedInbox::begin_sync() {
    syncing_ = true;
    aside_.clear();
}

void SequencedInbox::end_sync() {
    syncing_ = false;
    aside_.clear();
}

std::vector<ChatEvent> SequencedInbox::start_at(const ConversationId& conversation,
                                                std::uint64_t seq, std::uint64_t epoch) {
    std::vector<ChatEvent> due;
    ConversationPosition position = positions_.get(conversation);
    if (epoch != 0) {
        position.epoch = epoch;
    }
    position.seq = std::max(position.seq, seq);
    held_.drop_through(conversation, position.seq);
    positions_.set(conversation, position);
    release(conversation, due);
    return due;
}

void SequencedInbox::release(const ConversationId& conversation, std::vector<ChatEvent>& due) {
    ConversationPosition position = positions_.get(conversation);
    auto run = held_.take_run(conversation, position.seq);
    if (run.empty()) {
        return;
    }
    for (auto& entry : run) {
        if (entry) {
            due.push_back(std::move(*entry));
        }
    }
    position.seq += run.size();
    positions_.set(conversation, position);
}

}  // namespace parley::client

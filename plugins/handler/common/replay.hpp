#pragma once
// Sending a user what they missed: the SYNC frame's work, also done by a handshake that asks
// for it. Shared by the handshake and sync handlers (header-only, like the rest of common/).
//
// How the race with live messages is closed (docs/protocol.md, "Sync"): the session holds its
// live traffic before the log is read; the replay goes out first, then SYNC DONE, then what was
// held, minus every message the replay already carried. A message stored before the log was
// read is replayed; one stored after it was pushed while the session held, and is released
// after the replay. Either way it reaches the client once, and in order.

#include <algorithm>
#include <cstdint>
#include <exception>
#include <map>
#include <vector>

#include <google/protobuf/repeated_field.h>
#include <parley.pb.h>

#include <parley/handler.hpp>
#include <parley/message_log.hpp>
#include <parley/store.hpp>

#include "common/conversation_names.hpp"
#include "common/sequenced_frame.hpp"

namespace parley::plugins::handlers {

/// Messages one sync round replays at most when the client names no limit, and at most ever.
inline constexpr std::uint32_t kDefaultSyncLimit = 1000;
inline constexpr std::uint32_t kMaxSyncLimit = 10000;
/// Messages read from the log per call.
inline constexpr std::uint32_t kReplayPage = 200;

/// How far a replay went in one conversation.
struct Replayed {
    std::uint64_t delivered = 0;  ///< the client has every message up to this seq
    bool complete = true;         ///< false: the round's limit stopped it; a later round goes on
};

/// Ends a hold whatever happens: what was held is sent on, less what the replay covered.
class HoldGuard {
  public:
    explicit HoldGuard(Session& session) : session_(session) { session_.hold_sends(); }
    ~HoldGuard() {
        if (!released_) {
            for (Frame& frame : session_.release_held()) {
                session_.send(std::move(frame));
            }
        }
    }
    HoldGuard(const HoldGuard&) = delete;
    HoldGuard& operator=(const HoldGuard&) = delete;

    /// Sends what was held except chat frames the replay made redundant: at or below what it
    /// delivered in their conversation, or anything of a conversation a later round goes on
    /// with.
    void release(const std::map<Conversation, Replayed>& replayed) {
        released_ = true;
        for (Frame& frame : session_.release_held()) {
            if (const auto conversation = conversation_of(frame)) {
                const auto seq = sequence_of(frame);
                const auto it = replayed.find(*conversation);
                if (seq && it != replayed.end() &&
                    (*seq <= it->second.delivered || !it->second.complete)) {
                    continue;
                }
            }
            session_.send(std::move(frame));
        }
    }

  private:
    Session& session_;
    bool released_ = false;
};

/// Replays to the session's user what they have not acknowledged (or, for conversations named
/// in `client_positions`, what comes after the client's position), up to `limit` messages, then
/// writes SYNC DONE answering `client_msg_id`. The session must be holding (`hold`); the caller
/// releases nothing: `hold` does, when this returns or throws.
inline asio::awaitable<void> replay_missed(
    RequestContext& ctx, MessageLog& log, HoldGuard& hold, std::uint64_t client_msg_id,
    const google::protobuf::RepeatedPtrField<wire::Position>& client_positions,
    std::uint32_t limit) {
    Session& session = *ctx.session;
    const UserId user = session.user();
    limit = limit == 0 ? kDefaultSyncLimit : std::min(limit, kMaxSyncLimit);

    std::map<Conversation, const wire::Position*> told;
    for (const wire::Position& position : client_positions) {
        if (const auto conversation = conversation_of(user, position.kind(), position.peer())) {
            told[*conversation] = &position;
        }
    }

    wire::SyncDone done;
    done.set_client_msg_id(client_msg_id);
    std::map<Conversation, Replayed> replayed;
    std::uint32_t budget = limit;
    for (const StreamPosition& stream : co_await log.positions(user, {})) {
        const Conversation conversation = stream.conversation;
        if (conversation.kind == Conversation::Kind::group &&
            !co_await ctx.node.store().is_member(conversation.low, user)) {
            continue;  // a group the user left
        }
        std::uint64_t from = stream.acked;
        bool lost = false;
        if (const auto it = told.find(conversation); it != told.end()) {
            const wire::Position& position = *it->second;
            if (position.epoch() != 0 && position.epoch() != stream.epoch) {
                lost = true;  // the log was reset: the client's numbers mean nothing now
                from = 0;
            } else {
                from = position.seq();
            }
        }
        std::uint64_t delivered = from;
        std::uint64_t first_seq = stream.first_seq;
        std::uint64_t last_seq = stream.last_seq;
        while (budget > 0 && delivered < last_seq) {
            const MessagePage page =
                co_await log.read(conversation, delivered, std::min(budget, kReplayPage));
            first_seq = page.first_seq;
            last_seq = std::max(last_seq, page.last_seq);
            if (page.messages.empty()) {
                break;
            }
            for (const StoredMessage& message : page.messages) {
                // At the client's reading speed: a replay never piles up past the write limit.
                if (!co_await session.drained()) {
                    co_return;  // the session is closing; the next sync starts again from here
                }
                session.send_through_hold(
                    with_sequence(message.frame, message.seq, message.server_msg_id));
                delivered = message.seq;
            }
            budget -= static_cast<std::uint32_t>(page.messages.size());
        }
        if (first_seq > from + 1 && last_seq > from) {
            lost = true;  // retention dropped messages after the client's position
        }
        replayed[conversation] = Replayed{delivered, delivered >= last_seq};
        if (delivered < last_seq) {
            done.set_more(true);
        }
        wire::StreamState* state = done.add_streams();
        state->set_kind(wire_kind(conversation));
        state->set_peer(conversation.peer_of(user));
        state->set_epoch(stream.epoch);
        state->set_first_seq(first_seq);
        state->set_last_seq(last_seq);
        state->set_delivered(delivered);
        state->set_unread(last_seq > stream.acked ? last_seq - stream.acked : 0);
        state->set_lost(lost);
    }
    session.send_through_hold(Frame::make(FrameType::sync, kNoUser, user, done));
    hold.release(replayed);
}

}  // namespace parley::plugins::handlers

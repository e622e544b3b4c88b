// The Client's part in reliable delivery (docs/protocol.md, section 12): ACKs that complete
// resends, SYNC DONE, HISTORY, in-order delivery and the pacing of RECEIVED and gap SYNCs.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <parley/client/client.hpp>

#include "connection_attempt.hpp"
#include "parley.pb.h"
#include "request_frames.hpp"
#include "resend_book.hpp"
#include "sequenced_inbox.hpp"

namespace parley::client {
namespace {

using Clock = std::chrono::steady_clock;

/// How often the pacer looks at gaps and unacknowledged positions.
constexpr std::chrono::milliseconds kPaceTick{200};
/// A gap still open after this is filled by a SYNC (the protocol's "within a second").
constexpr std::chrono::milliseconds kGapPatience{1000};
/// RECEIVED goes out at least this often while positions move ...
constexpr std::chrono::milliseconds kReceivedInterval{1000};
/// ... and at once after this many delivered messages.
constexpr int kReceivedBatch = 100;
/// The client's own SYNCs take ids from here, far above the application's request ids.
constexpr std::uint64_t kFirstSyncId = std::uint64_t{1} << 63;

ChatKind chat_kind(wire::ConversationKind kind) {
    return kind == wire::GROUP ? ChatKind::group_message : ChatKind::private_message;
}

}  // namespace

void Client::handle_ack(ConnectionAttempt& attempt, const Frame& frame) {
    wire::Ack ack;
    if (!frame.parse_body(ack)) {
        spdlog::warn("parley client: ignoring an ACK whose body does not parse");
        return;
    }
    const auto request = attempt.answered(ack.client_msg_id());
    const auto sent = resends_->answered(ack.client_msg_id());
    if (events_.on_ack) {
        events_.on_ack(ack.client_msg_id(), ack.server_msg_id());
    }
    if (sent && ack.seq() != 0) {
        // The user's own message is part of the conversation too.
        deliver_messages(inbox_->accept_own(conversation_of(*sent, options_.user_id), ack.seq(),
                                            ack.epoch(), Clock::now()));
    } else if (request && request->type == static_cast<std::uint32_t>(FrameType::group_join) &&
               ack.seq() != 0) {
        // A new member's position starts at the group's newest message: what came before is
        // history, and the next message is no gap.
        deliver_messages(inbox_->start_at(
            ConversationId{ChatKind::group_message, request->receiver}, ack.seq(), ack.epoch()));
    }
}

void Client::handle_sync_done(ConnectionAttempt& attempt, const Frame& frame) {
    wire::SyncDone done;
    if (!frame.parse_body(done)) {
        spdlog::warn("parley client: ignoring a SYNC DONE whose body does not parse");
        return;
    }
    if (done.client_msg_id() != sync_id_) {
        spdlog::debug("parley client: SYNC DONE {} answers no running sync", done.client_msg_id());
    }
    sync_running_ = false;
    SyncReport report;
    report.more = done.more();
    for (const wire::StreamState& state : done.streams()) {
        StreamReport stream{{chat_kind(state.kind()), state.peer()},
                            state.epoch(),
                            state.first_seq(),
                            state.last_seq(),
                            state.unread(),
                            state.lost()};
        deliver_messages(inbox_->settle(stream, state.delivered()));
        report.streams.push_back(stream);
    }
    inbox_->end_sync();
    inbox_->held().restart_gap_clocks(Clock::now());
    if (events_.on_sync) {
        events_.on_sync(report);
    }
    if (done.more() && attempt.link->is_open()) {
        request_sync(attempt);
    }
}

void Client::handle_history(ConnectionAttempt& attempt, const Frame& frame) {
    wire::HistoryPage page;
    if (!frame.parse_body(page)) {
        spdlog::warn("parley client: ignoring a HISTORY page whose body does not parse");
        return;
    }
    attempt.answered(page.client_msg_id());
    HistoryPage history;
    history.client_msg_id = page.client_msg_id();
    history.conversation = {chat_kind(page.kind()), page.peer()};
    history.epoch = page.epoch();
    history.first_seq = page.first_seq();
    // The server sends newest first; an application reads oldest first.
    for (auto it = page.frames().rbegin(); it != page.frames().rend(); ++it) {
        if (auto event = chat_event_of(frame_from_bytes(*it))) {
            history.messages.push_back(std::move(*event));
        }
    }
    if (events_.on_history) {
        events_.on_history(history);
    }
}

void Client::deliver_messages(std::vector<ChatEvent> due) {
    for (const ChatEvent& event : due) {
        if (event.seq != 0) {
            ++delivered_since_received_;
        }
        if (events_.on_message) {
            events_.on_message(event);
        }
    }
    if (delivered_since_received_ >= kReceivedBatch && attempt_ && attempt_->logged_in &&
        attempt_->link->is_open()) {
        send_received(*attempt_);
    }
}

asio::awaitable<void> Client::pace_delivery(std::shared_ptr<ConnectionAttempt> attempt) {
    while (attempt->link->is_open()) {
        attempt->delivery_timer.expires_after(kPaceTick);
        auto [ec] =
            co_await attempt->delivery_timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (ec || !attempt->link->is_open()) {
            co_return;
        }
        const auto now = Clock::now();
        if (!sync_running_ &&
            (inbox_->held().gap_older_than(now - kGapPatience) || resync_due(now))) {
            request_sync(*attempt);
        }
        if (now - last_received_ >= kReceivedInterval) {
            send_received(*attempt);
        }
    }
}

void Client::send_received(ConnectionAttempt& attempt) {
    last_received_ = Clock::now();
    delivered_since_received_ = 0;
    auto moved = inbox_->positions().take_moved();
    if (!moved.empty()) {
        attempt.link->send(make_received(options_.user_id, moved));
    }
}

bool Client::resync_due(std::chrono::steady_clock::time_point now) const {
    return options_.resync_interval.count() > 0 && now - last_sync_ >= options_.resync_interval;
}

void Client::request_sync(ConnectionAttempt& attempt) {
    last_sync_ = Clock::now();
    sync_running_ = true;
    inbox_->begin_sync();
    sync_id_ = kFirstSyncId + syncs_sent_++;
    attempt.link->send(
        make_sync_request(options_.user_id, sync_id_, inbox_->positions().snapshot()));
}

std::set<std::uint64_t> Client::requeue_unacknowledged() {
    std::set<std::uint64_t> ids;
    auto unacknowledged = resends_->take_all();
    for (auto it = unacknowledged.rbegin(); it != unacknowledged.rend(); ++it) {
        ids.insert(it->first);
        outbox_.push_front(Outgoing{std::move(it->second), it->first, true});
    }
    return ids;
}

}  // namespace parley::client

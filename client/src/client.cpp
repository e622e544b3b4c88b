#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <parley/client/client.hpp>
#include <parley/client/endpoint.hpp>
#include <parley/protobuf_log.hpp>

#include "connection_attempt.hpp"
#include "frame_connection.hpp"
#include "parley.pb.h"
#include "request_frames.hpp"
#include "resend_book.hpp"
#include "sequenced_inbox.hpp"

namespace parley::client {
namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
/// Used when the server's HandshakeOk names no interval and the options set none.
constexpr std::chrono::milliseconds kFallbackHeartbeat{15000};

std::string describe(ErrorCode code, const std::string& message) {
    return std::to_string(static_cast<std::uint32_t>(code)) + " " + std::string(to_string(code)) +
           (message.empty() ? "" : ": " + message);
}

/// 1xxx answers to a handshake (bad token, duplicate login, ...) will not change by retrying.
bool refuses_login(ErrorCode code) {
    const auto value = static_cast<std::uint32_t>(code);
    return value >= 1000 && value < 2000;
}

void validate(const ClientOptions& options) {
    if (options.user_id == kNoUser) {
        throw std::invalid_argument("user id 0 means nobody; give a user id of 1 or more");
    }
    if (options.max_missed_heartbeats < 1) {
        throw std::invalid_argument("max_missed_heartbeats must be at least 1");
    }
    if (options.connect_timeout.count() <= 0) {
        throw std::invalid_argument("connect_timeout must be positive");
    }
    if (options.first_msg_id == 0) {
        throw std::invalid_argument("first_msg_id must be at least 1: 0 means no request");
    }
    if (options.heartbeat_interval && options.heartbeat_interval->count() <= 0) {
        throw std::invalid_argument("heartbeat_interval must be positive");
    }
}

}  // namespace

std::shared_ptr<Client> Client::create(const asio::any_io_executor& executor, ClientOptions options,
                                       std::shared_ptr<Discovery> discovery,
                                       std::unique_ptr<ServerPicker> picker) {
    validate(options);
    route_protobuf_log_to_spdlog();
    return std::shared_ptr<Client>(
        new Client(executor, std::move(options), std::move(discovery), std::move(picker)));
}

Client::Client(const asio::any_io_executor& executor, ClientOptions options,
               std::shared_ptr<Discovery> discovery, std::unique_ptr<ServerPicker> picker)
    : strand_(asio::make_strand(executor)),
      options_(std::move(options)),
      discovery_(std::move(discovery)),
      picker_(std::move(picker)),
      backoff_(options_.backoff),
      retry_timer_(strand_),
      next_msg_id_(options_.first_msg_id),
      inbox_(std::make_unique<SequencedInbox>(options_.initial_positions)),
      resends_(std::make_unique<ResendBook>()) {}

Client::~Client() = default;

void Client::set_events(ClientEvents events) {
    events_ = std::move(events);
}

void Client::start() {
    if (started_) {
        throw std::logic_error("parley::client::Client::start() called twice");
    }
    started_ = true;
    discovery_watch_ = discovery_->watch(
        [weak = weak_from_this(), strand = strand_](std::vector<ServiceInstance> nodes) {
            asio::post(strand, [weak, nodes = std::move(nodes)]() mutable {
                if (auto self = weak.lock()) {
                    self->known_nodes_ = std::move(nodes);
                }
            });
        });
    asio::co_spawn(
        strand_, [self = shared_from_this()] { return self->run(); },
        [](const std::exception_ptr& failure) {
            if (!failure) {
                return;
            }
            try {
                std::rethrow_exception(failure);
            } catch (const std::exception& e) {
                spdlog::error("parley client stopped by an exception: {}", e.what());
            }
        });
}

void Client::stop() {
    asio::post(strand_, [self = shared_from_this()] {
        if (self->stopped_) {
            return;
        }
        self->stopped_ = true;
        self->retry_timer_.cancel();
        if (self->attempt_) {
            self->attempt_->end("stopped by the caller", false);
        }
        self->drop_outbox("the client was stopped");
    });
}

asio::awaitable<void> Client::run() {
    std::string avoid;  // the node that just failed: try another one first
    for (;;) {
        if (stopped_) {
            if (events_.on_disconnected) {
                DisconnectedInfo info;
                info.reason = "stopped by the caller";
                info.stopped_by_caller = true;
                events_.on_disconnected(info);
            }
            co_return;
        }
        const std::vector<ServiceInstance> nodes = co_await refresh_nodes();
        if (stopped_) {
            continue;
        }
        DisconnectedInfo info;
        bool may_retry = true;
        if (auto choice = picker_->pick(nodes, options_.user_id, avoid)) {
            auto attempt =
                std::make_shared<ConnectionAttempt>(strand_, *choice, options_.max_body_size);
            attempt_ = attempt;
            co_await run_attempt(attempt);
            attempt_.reset();
            info.reason = attempt->end_reason();
            info.endpoint = choice->endpoint;
            info.was_connected = attempt->logged_in;
            info.login_refused = attempt->login_refused;
            may_retry = attempt->may_retry();
            if (attempt->logged_in) {
                backoff_.reset();  // a session that worked starts the schedule afresh
                unanswered_logins_ = 0;
            } else if (attempt->handshake_unanswered) {
                ++unanswered_logins_;
            }
            avoid = choice->node_id;
            sync_running_ = false;
            inbox_->end_sync();
            const std::set<std::uint64_t> resent = requeue_unacknowledged();
            for (const std::uint64_t id : attempt->unanswered_ids()) {
                if (resent.contains(id)) {
                    continue;
                }
                report_local_error(
                    "no answer: the connection ended first (it may or may not have taken "
                    "effect)",
                    id);
            }
        } else {
            const std::string undialable = undialable_reason(nodes);
            info.reason = "no server to connect to: " + discovery_->describe() +
                          (undialable.empty() ? " lists none" : " lists " + undialable);
        }
        info.stopped_by_caller = stopped_;  // only stop() sets it while the loop runs
        info.will_reconnect = may_retry && options_.reconnect && !stopped_;
        if (info.will_reconnect) {
            info.retry_in = backoff_.next();
        }
        if (events_.on_disconnected) {
            events_.on_disconnected(info);
        }
        if (!info.will_reconnect) {
            stopped_ = true;
            drop_outbox("the client stopped: " + info.reason);
            co_return;
        }
        retry_timer_.expires_after(info.retry_in);
        co_await retry_timer_.async_wait(kUseTuple);
    }
}

asio::awaitable<std::vector<ServiceInstance>> Client::refresh_nodes() {
    try {
        known_nodes_ = co_await discovery_->instances();
    } catch (const std::exception& e) {
        spdlog::warn("parley client: cannot list nodes from {} ({}); using the last known list",
                     discovery_->describe(), e.what());
    }
    co_return known_nodes_;
}

asio::awaitable<void> Client::run_attempt(std::shared_ptr<ConnectionAttempt> attempt) {
    attempt->deadline.expires_after(options_.connect_timeout);
    attempt->deadline.async_wait(
        [weak = std::weak_ptr<ConnectionAttempt>(attempt),
         timeout = options_.connect_timeout](boost::system::error_code ec) {
            if (auto self = weak.lock(); self && !ec && !self->logged_in) {
                self->end("no login within " + std::to_string(timeout.count()) + " ms", true);
            }
        });

    ServiceEndpoint endpoint;
    try {
        endpoint = parse_service_endpoint(attempt->choice.endpoint);
    } catch (const std::invalid_argument& e) {
        attempt->end(e.what(), true);
        co_return;
    }
    const TlsOptions* tls = endpoint.scheme == "tls" ? &options_.tls : nullptr;
    if (!co_await attempt->link->connect(endpoint.address, tls)) {
        attempt->end(attempt->link->error_text(), true);
        co_return;
    }
    attempt->link->start_writer();
    attempt->link->send(make_handshake(options_.user_id, options_.token, options_.client_name,
                                       last_epoch_, last_resume_token_,
                                       inbox_->positions().snapshot()));
    attempt->handshake_unanswered = true;

    for (;;) {
        const Frame frame = co_await attempt->link->read_frame();
        if (frame.empty()) {
            break;
        }
        handle_frame(attempt, frame);
    }
    attempt->end(attempt->link->error_text(), true);
}

asio::awaitable<void> Client::heartbeat(std::shared_ptr<ConnectionAttempt> attempt,
                                        std::chrono::milliseconds interval) {
    while (attempt->link->is_open()) {
        attempt->heartbeat_timer.expires_after(interval);
        auto [ec] = co_await attempt->heartbeat_timer.async_wait(kUseTuple);
        if (ec || !attempt->link->is_open()) {
            co_return;
        }
        if (attempt->missed_heartbeats >= options_.max_missed_heartbeats) {
            attempt->end("no reply to " + std::to_string(attempt->missed_heartbeats) +
                             " heartbeats in a row",
                         true);
            co_return;
        }
        attempt->link->send(make_heartbeat(options_.user_id));
        ++attempt->missed_heartbeats;
    }
}

void Client::handle_frame(const std::shared_ptr<ConnectionAttempt>& attempt, const Frame& frame) {
    switch (frame.type()) {
        case FrameType::handshake:
            handle_handshake_reply(attempt, frame);
            return;
        case FrameType::heartbeat:
            attempt->missed_heartbeats = 0;
            return;
        case FrameType::group_message:
        case FrameType::private_message:
            handle_chat(frame);
            return;
        case FrameType::ack:
            handle_ack(*attempt, frame);
            return;
        case FrameType::sync:
            handle_sync_done(*attempt, frame);
            return;
        case FrameType::history:
            handle_history(*attempt, frame);
            return;
        case FrameType::error:
            handle_error(*attempt, frame);
            return;
        case FrameType::presence: {
            wire::PresenceList list;
            if (frame.parse_body(list)) {
                attempt->answered(list.client_msg_id());
                if (events_.on_presence) {
                    events_.on_presence(UserPage{list.client_msg_id(),
                                                 {list.users().begin(), list.users().end()},
                                                 list.next_cursor(),
                                                 list.total()});
                }
                return;
            }
            break;
        }
        case FrameType::goodbye:
            handle_goodbye(*attempt, frame);
            return;
        default:
            if (events_.on_frame) {
                events_.on_frame(frame);
            } else {
                spdlog::debug("parley client: no on_frame callback for type 0x{:02x}",
                              frame.raw_type());
            }
            return;
    }
    spdlog::warn("parley client: ignoring a type 0x{:02x} frame whose body does not parse",
                 frame.raw_type());
}

void Client::handle_handshake_reply(const std::shared_ptr<ConnectionAttempt>& attempt,
                                    const Frame& frame) {
    wire::HandshakeOk ok;
    if (attempt->logged_in) {
        spdlog::warn("parley client: ignoring a second handshake reply");
        return;
    }
    attempt->handshake_unanswered = false;
    if (!frame.parse_body(ok)) {
        attempt->end("the server's handshake reply does not parse", true);
        return;
    }
    attempt->logged_in = true;
    attempt->deadline.cancel();
    last_epoch_ = ok.session_epoch();
    last_resume_token_ = ok.resume_token();
    message_log_ = ok.message_log();

    const auto interval = options_.heartbeat_interval.value_or(
        ok.heartbeat_interval_ms() > 0 ? std::chrono::milliseconds{ok.heartbeat_interval_ms()}
                                       : kFallbackHeartbeat);
    asio::co_spawn(
        strand_,
        [self = shared_from_this(), attempt, interval] {
            return self->heartbeat(attempt, interval);
        },
        asio::detached);
    if (message_log_) {
        // The handshake asked for a sync; its SYNC DONE (id 0) comes before live messages.
        sync_running_ = true;
        sync_id_ = 0;
        inbox_->begin_sync();
        last_received_ = std::chrono::steady_clock::now();
        last_sync_ = last_received_;
        asio::co_spawn(
            strand_, [self = shared_from_this(), attempt] { return self->pace_delivery(attempt); },
            asio::detached);
    }

    while (!outbox_.empty()) {
        write(*attempt, std::move(outbox_.front().frame), outbox_.front().ref_id);
        outbox_.pop_front();
    }
    if (events_.on_connected) {
        events_.on_connected(ConnectedInfo{ok.node_id(), attempt->choice.endpoint, ok.user_id(),
                                           interval, ok.session_epoch()});
    }
}

void Client::handle_error(ConnectionAttempt& attempt, const Frame& frame) {
    wire::ErrorBody body;
    if (!frame.parse_body(body)) {
        spdlog::warn("parley client: ignoring an ERROR frame whose body does not parse");
        return;
    }
    ServerError error{ErrorCode{body.code()}, body.msg(), body.data(), body.ref_id(),
                      body.ref_type()};
    if (error.ref_id != 0 && sync_running_ && error.ref_id == sync_id_) {
        // The client's own SYNC failed; the next gap asks again.
        sync_running_ = false;
        inbox_->end_sync();
        spdlog::warn("parley client: sync refused: {}", describe(error.code, error.message));
        return;
    }
    if (error.ref_id != 0) {
        attempt.answered(error.ref_id);
        resends_->answered(error.ref_id);
    } else if (error.ref_type != 0) {
        error.ref_id = attempt.answer_oldest(error.ref_type);
    }
    if (events_.on_error) {
        events_.on_error(error);
    }
    if (attempt.logged_in) {
        return;
    }
    // Before login the only request is the handshake, so this error answers it.
    attempt.handshake_unanswered = false;
    if (error.code == ErrorCode::duplicate_login && unanswered_logins_ > 0) {
        // The holder may be this client: a handshake it gave up on, which the server read
        // late and logged in; that session ends as soon as the server sees its connection
        // closed. Retry, once per such handshake, before taking the refusal as final.
        --unanswered_logins_;
        attempt.end("handshake failed: " + describe(error.code, error.message) +
                        " (perhaps an earlier login of this client that the server answered late)",
                    true);
    } else if (refuses_login(error.code)) {
        attempt.login_refused = true;
        attempt.end("login refused: " + describe(error.code, error.message), false);
    } else {
        attempt.end("handshake failed: " + describe(error.code, error.message), true);
    }
}

void Client::handle_goodbye(ConnectionAttempt& attempt, const Frame& frame) {
    wire::Goodbye goodbye;
    if (!frame.parse_body(goodbye)) {
        attempt.end("the server said goodbye (unreadable body)", true);
        return;
    }
    const ErrorCode code{goodbye.code()};
    if (events_.on_goodbye) {
        events_.on_goodbye(code, goodbye.msg());
    }
    // Reconnecting after being replaced would log the newer session out in turn, forever.
    // Replaced by another login, closed by an operator, or refused its credentials too often:
    // trying again would not help.
    const bool retry = code != ErrorCode::session_replaced && code != ErrorCode::kicked &&
                       code != ErrorCode::too_many_failed_logins;
    attempt.end("goodbye " + describe(code, goodbye.msg()), retry);
}

void Client::handle_chat(const Frame& frame) {
    auto event = chat_event_of(frame);
    if (!event) {
        spdlog::warn("parley client: ignoring a chat frame from {} that does not parse",
                     frame.sender());
        return;
    }
    if (!message_log_ || event->seq == 0) {
        deliver_messages({std::move(*event)});
        return;
    }
    const ConversationId conversation = conversation_of(frame, options_.user_id);
    const auto now = std::chrono::steady_clock::now();
    const std::uint64_t seq = event->seq;
    if (frame.sender() == options_.user_id) {
        // A replay of the user's own message: it holds its place, the application sent it.
        deliver_messages(inbox_->accept_own(conversation, seq, 0, now));
    } else {
        deliver_messages(inbox_->accept(conversation, seq, std::move(*event), now));
    }
}

std::uint64_t Client::send_private(UserId to, std::string text) {
    const std::uint64_t id = next_msg_id_++;
    submit(make_chat(FrameType::private_message, options_.user_id, to, id, std::move(text)), id);
    return id;
}

std::uint64_t Client::send_group(GroupId group, std::string text) {
    const std::uint64_t id = next_msg_id_++;
    submit(make_chat(FrameType::group_message, options_.user_id, group, id, std::move(text)), id);
    return id;
}

std::uint64_t Client::join(GroupId group) {
    const std::uint64_t id = next_msg_id_++;
    submit(make_membership(FrameType::group_join, options_.user_id, group, id), id);
    return id;
}

std::uint64_t Client::leave(GroupId group) {
    const std::uint64_t id = next_msg_id_++;
    submit(make_membership(FrameType::group_leave, options_.user_id, group, id), id);
    return id;
}

std::uint64_t Client::history(ChatKind kind, std::uint32_t peer, std::uint64_t before_seq,
                              std::uint32_t limit) {
    const std::uint64_t id = next_msg_id_++;
    submit(
        make_history_request(options_.user_id, id, ConversationId{kind, peer}, before_seq, limit),
        id);
    return id;
}

Positions Client::positions() const {
    return inbox_->positions().snapshot();
}

std::uint64_t Client::list_users(std::uint64_t cursor, std::uint32_t limit) {
    const std::uint64_t id = next_msg_id_++;
    submit(make_presence_request(options_.user_id, id, cursor, limit), id);
    return id;
}

void Client::send_raw(Frame frame) {
    submit(std::move(frame), 0);
}

void Client::submit(Frame frame, std::uint64_t ref_id) {
    asio::post(strand_, [self = shared_from_this(), frame = std::move(frame), ref_id]() mutable {
        self->deliver(std::move(frame), ref_id);
    });
}

void Client::deliver(Frame frame, std::uint64_t ref_id) {
    if (stopped_) {
        report_local_error("not sent: the client has stopped", ref_id);
        return;
    }
    if (attempt_ && attempt_->logged_in && attempt_->link->is_open()) {
        write(*attempt_, std::move(frame), ref_id);
        return;
    }
    if (outbox_.size() >= options_.max_outbox) {
        report_local_error("not sent: not connected, and " + std::to_string(outbox_.size()) +
                               " requests already wait for a connection",
                           ref_id);
        return;
    }
    outbox_.push_back(Outgoing{std::move(frame), ref_id, false});
}

void Client::write(ConnectionAttempt& attempt, Frame frame, std::uint64_t ref_id) {
    if (ref_id != 0) {
        attempt.sent_request({ref_id, frame.raw_type(), frame.receiver()});
        const bool chat =
            frame.type() == FrameType::private_message || frame.type() == FrameType::group_message;
        if (message_log_ && chat) {
            resends_->written(ref_id, frame);
        }
    }
    attempt.link->send(std::move(frame));
}

void Client::drop_outbox(const std::string& why) {
    auto dropped = std::move(outbox_);
    outbox_.clear();
    for (const Outgoing& outgoing : dropped) {
        report_local_error((outgoing.resend ? "no answer: it may or may not have been stored, and "
                                            : "not sent: ") +
                               why,
                           outgoing.ref_id);
    }
}

void Client::report_local_error(std::string message, std::uint64_t ref_id) {
    // No server answered, so the code is the one for an unreachable backend.
    if (events_.on_error) {
        events_.on_error(
            ServerError{ErrorCode::backend_unavailable, std::move(message), {}, ref_id, 0});
    }
}

}  // namespace parley::client

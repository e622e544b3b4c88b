#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <parley/asio.hpp>
#include <parley/client/backoff.hpp>
#include <parley/client/client_events.hpp>
#include <parley/client/client_options.hpp>
#include <parley/client/conversation.hpp>
#include <parley/client/discovery.hpp>
#include <parley/client/server_picker.hpp>
#include <parley/frame.hpp>
#include <parley/types.hpp>

namespace parley::client {

class ConnectionAttempt;
class ResendBook;
class SequencedInbox;

/// A Parley client: picks a node, connects, logs in, keeps the connection alive with
/// heartbeats and reconnects with back-off when it drops, preferring another node.
///
/// A login the server refuses (1xxx) is not retried, with one exception: after an attempt
/// that gave up waiting for the answer to its handshake, the server may still read that
/// handshake and log it in for a moment, so a DUPLICATE_LOGIN may be this client's own doing;
/// such a refusal is retried, at most once per abandoned handshake.
///
/// The client runs on the executor given to create(), inside its own strand, so the caller may
/// run the io_context on one thread or many; the caller runs it. All state lives on that strand.
/// The request methods (send_private, join, stop, ...) may be called from any thread: they
/// post to the strand. Events arrive through ClientEvents, on the strand.
///
/// Requests made while no connection is logged in wait in an outbox (up to
/// ClientOptions::max_outbox frames) and go out after the next login.
///
/// On a node without a message log delivery is at most once: frames written to a connection
/// that then drops are not sent again. On a node with one (HandshakeOk.message_log,
/// docs/protocol.md section 12) chat messages are delivered exactly once and in order:
///   - every login asks for a sync from the client's positions (positions(), seeded by
///     ClientOptions::initial_positions), so what was missed is replayed;
///   - incoming messages reach on_message once each, in seq order per conversation; a message
///     ahead of a gap is held (at most ReorderBuffer::kMaxHeldPerConversation per conversation)
///     and, if the gap is still open after a second, the client sends SYNC for it; each sync's
///     end is reported through on_sync. The user's own messages (ACKed or replayed) move the
///     position but are not delivered;
///   - positions that moved are acknowledged with RECEIVED, once a second or every 100
///     messages;
///   - a SYNC goes out every ClientOptions::resync_interval without one, so a message whose
///     push was lost in a failure still arrives while the client stays connected;
///   - a chat message written to a connection that drops before its ACK is kept and resent
///     with the same client_msg_id after the next login; the node deduplicates it, so it is
///     delivered once and answered by one on_ack.
///
/// Every request (the methods returning an id) gets exactly one answer: on_ack, on_presence,
/// on_history or on_error with its id as ref_id. The client fills in ref_id for server errors
/// that lack it (answers come in request order), and reports requests that can no longer be
/// answered (client stopped, outbox full, connection lost before the answer) as local errors
/// with code backend_unavailable and a message starting "not sent:" or "no answer:". A chat
/// message awaiting resend that the client gives up on (it stops) is reported "no answer:".
class Client : public std::enable_shared_from_this<Client> {
  public:
    /// The first call also sends protobuf's own log lines to spdlog, rate-limited
    /// (parley/protobuf_log.hpp): a server's malformed bodies must not write to stderr.
    static std::shared_ptr<Client> create(const asio::any_io_executor& executor,
                                          ClientOptions options,
                                          std::shared_ptr<Discovery> discovery,
                                          std::unique_ptr<ServerPicker> picker);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    /// Sets the callbacks. Call before start(), from the thread that calls start().
    void set_events(ClientEvents events);
    /// Starts connecting. Call once.
    void start();
    /// Closes the connection and stops reconnecting; on_disconnected reports it with
    /// will_reconnect false. Requests made afterwards are refused through on_error.
    void stop();

    /// Each returns the request's client_msg_id (monotonic per client, from 1), which the
    /// ACK, ERROR or presence reply carries.
    std::uint64_t send_private(UserId to, std::string text);
    std::uint64_t send_group(GroupId group, std::string text);
    std::uint64_t join(GroupId group);
    std::uint64_t leave(GroupId group);
    /// Asks for a page of online users; `limit` 0 takes the server's page size.
    std::uint64_t list_users(std::uint64_t cursor = 0, std::uint32_t limit = 0);
    /// Asks for a page of one conversation's history (a node with a message log only): the
    /// `limit` newest messages (0: the server's default) before `before_seq` (0: the newest).
    /// The answer comes through on_history.
    std::uint64_t history(ChatKind kind, std::uint32_t peer, std::uint64_t before_seq = 0,
                          std::uint32_t limit = 0);
    /// Sends a frame as it is, e.g. a plugin's 0x80+ request; replies of unknown types come
    /// back through on_frame.
    void send_raw(Frame frame);

    const ClientOptions& options() const noexcept { return options_; }
    /// Where each conversation stands (see ClientOptions::initial_positions); any thread.
    Positions positions() const;

  private:
    using Strand = asio::strand<asio::any_io_executor>;

    Client(const asio::any_io_executor& executor, ClientOptions options,
           std::shared_ptr<Discovery> discovery, std::unique_ptr<ServerPicker> picker);

    asio::awaitable<void> run();
    asio::awaitable<std::vector<ServiceInstance>> refresh_nodes();
    asio::awaitable<void> run_attempt(std::shared_ptr<ConnectionAttempt> attempt);
    asio::awaitable<void> heartbeat(std::shared_ptr<ConnectionAttempt> attempt,
                                    std::chrono::milliseconds interval);
    void handle_frame(const std::shared_ptr<ConnectionAttempt>& attempt, const Frame& frame);
    void handle_handshake_reply(const std::shared_ptr<ConnectionAttempt>& attempt,
                                const Frame& frame);
    void handle_error(ConnectionAttempt& attempt, const Frame& frame);
    void handle_goodbye(ConnectionAttempt& attempt, const Frame& frame);
    void handle_chat(const Frame& frame);

    // Reliable delivery (client_delivery.cpp), on a node with a message log.
    void handle_ack(ConnectionAttempt& attempt, const Frame& frame);
    void handle_sync_done(ConnectionAttempt& attempt, const Frame& frame);
    void handle_history(ConnectionAttempt& attempt, const Frame& frame);
    void deliver_messages(std::vector<ChatEvent> due);
    asio::awaitable<void> pace_delivery(std::shared_ptr<ConnectionAttempt> attempt);
    void send_received(ConnectionAttempt& attempt);
    void request_sync(ConnectionAttempt& attempt);
    bool resync_due(std::chrono::steady_clock::time_point now) const;
    /// After a connection ended: its unacknowledged chat messages go first in the outbox.
    /// Returns their ids, which are therefore not "no answer".
    std::set<std::uint64_t> requeue_unacknowledged();

    /// Queues `frame` from any thread; `ref_id` names it in a local error.
    void submit(Frame frame, std::uint64_t ref_id);
    void deliver(Frame frame, std::uint64_t ref_id);
    /// Writes to a logged-in connection, remembering requests (`ref_id` != 0) until answered.
    void write(ConnectionAttempt& attempt, Frame frame, std::uint64_t ref_id);
    void report_local_error(std::string message, std::uint64_t ref_id);
    /// Refuses everything in the outbox with `why`, for a client that will not connect again.
    void drop_outbox(const std::string& why);

    Strand strand_;
    ClientOptions options_;
    std::shared_ptr<Discovery> discovery_;
    std::unique_ptr<ServerPicker> picker_;
    /// The discovery's watch; declared after discovery_, so it is dropped first.
    Subscription discovery_watch_;
    ClientEvents events_;
    Backoff backoff_;
    asio::steady_timer retry_timer_;
    std::atomic<std::uint64_t> next_msg_id_{1};

    // Strand-only state.
    std::vector<ServiceInstance> known_nodes_;    ///< last list from instances() or watch()
    std::shared_ptr<ConnectionAttempt> attempt_;  ///< the current connection, if any
    std::uint64_t last_epoch_ = 0;                ///< of the last login, sent as resume_epoch
    std::string last_resume_token_;               ///< of the last login, sent as resume_token
    /// Attempts since the last login that ended with their handshake unanswered: the server
    /// may yet read each and log it in, briefly holding the user against our next login.
    int unanswered_logins_ = 0;
    struct Outgoing {
        Frame frame;
        std::uint64_t ref_id = 0;
        bool resend = false;  ///< written before, to a connection that dropped
    };
    std::deque<Outgoing> outbox_;
    std::unique_ptr<SequencedInbox> inbox_;
    std::unique_ptr<ResendBook> resends_;
    bool message_log_ = false;   ///< the current (or last) login's node keeps a message log
    bool sync_running_ = false;  ///< a sync was asked for and its SYNC DONE has not come
    std::uint64_t sync_id_ = 0;  ///< the client_msg_id of the running SYNC (0: the login's)
    std::uint64_t syncs_sent_ = 0;
    int delivered_since_received_ = 0;
    std::chrono::steady_clock::time_point last_received_;
    std::chrono::steady_clock::time_point last_sync_;  ///< when the last SYNC was asked for
    bool started_ = false;
    bool stopped_ = false;
};

}  // namespace parley::client

#pragma once
// What a Client reports. Every callback runs on the client's loop, one at a time; a callback
// must not block and must not throw. Unset callbacks are skipped.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <parley/client/conversation.hpp>
#include <parley/error.hpp>
#include <parley/frame.hpp>
#include <parley/types.hpp>

namespace parley::client {

/// A login succeeded (HandshakeOk).
struct ConnectedInfo {
    std::string node_id;   ///< from the server's reply
    std::string endpoint;  ///< "host:port" the client connected to
    UserId user = kNoUser;
    std::chrono::milliseconds heartbeat_interval{0};  ///< the interval in use
    std::uint64_t session_epoch = 0;
};

/// A connection, or an attempt at one, ended.
struct DisconnectedInfo {
    std::string reason;
    std::string endpoint;        ///< empty when no server could be picked
    bool was_connected = false;  ///< false: the attempt never logged in
    bool will_reconnect = false;
    std::chrono::milliseconds retry_in{0};  ///< when will_reconnect
    bool login_refused = false;             ///< the server refused the login: stopped for good
    bool stopped_by_caller = false;         ///< Client::stop() ended it
};

struct ChatEvent {
    ChatKind kind = ChatKind::private_message;
    UserId from = kNoUser;
    std::uint32_t to = 0;             ///< the recipient (this user) or the group id
    std::uint64_t client_msg_id = 0;  ///< the sender's id for the message
    std::string content;
    std::uint64_t sent_at_ms = 0;  ///< the sender's clock
    Frame frame;                   ///< the frame as received
    /// On a node with a message log: the message's number in its conversation and the
    /// server's id for it (as in the sender's ACK); 0 otherwise.
    std::uint64_t seq = 0;
    std::uint64_t server_msg_id = 0;
};

/// One conversation's state at the end of a sync (a StreamState).
struct StreamReport {
    ConversationId conversation;
    std::uint64_t epoch = 0;
    std::uint64_t first_seq = 0;  ///< oldest message the server still keeps
    std::uint64_t last_seq = 0;   ///< newest message
    std::uint64_t unread = 0;     ///< messages not yet acknowledged, own ones included
    /// Messages after the client's position were dropped by retention, or the log was reset:
    /// they will not come.
    bool lost = false;
};

/// A sync round ended (SYNC DONE): after a login, to fill a gap, or to continue one.
struct SyncReport {
    std::vector<StreamReport> streams;
    bool more = false;  ///< the client asks for the rest at once
};

/// A page of one conversation's history (a HistoryPage).
struct HistoryPage {
    std::uint64_t client_msg_id = 0;  ///< the history request's id
    ConversationId conversation;
    std::vector<ChatEvent> messages;  ///< oldest first
    std::uint64_t epoch = 0;
    std::uint64_t first_seq = 0;  ///< oldest message kept: no page goes further back
};

/// An ERROR frame, or a local failure reported the same way (e.g. the outbox is full).
struct ServerError {
    ErrorCode code = ErrorCode::ok;
    std::string message;
    std::string data;
    std::uint64_t ref_id = 0;    ///< the client_msg_id it answers, 0 for none
    std::uint32_t ref_type = 0;  ///< frame type of the failed request, 0 for none
};

/// One page of online users (a PresenceList).
struct UserPage {
    std::uint64_t client_msg_id = 0;
    std::vector<UserId> users;
    std::uint64_t next_cursor = 0;  ///< 0 when this is the last page
    std::uint64_t total = 0;
};

struct ClientEvents {
    std::function<void(const ConnectedInfo&)> on_connected;
    std::function<void(const DisconnectedInfo&)> on_disconnected;
    std::function<void(const ChatEvent&)> on_message;
    std::function<void(std::uint64_t client_msg_id, std::uint64_t server_msg_id)> on_ack;
    std::function<void(const ServerError&)> on_error;
    std::function<void(const UserPage&)> on_presence;
    std::function<void(ErrorCode code, const std::string& message)> on_goodbye;
    /// On a node with a message log, each sync's end; see SyncReport.
    std::function<void(const SyncReport&)> on_sync;
    /// The answer to Client::history().
    std::function<void(const HistoryPage&)> on_history;
    /// Frames of types the client does not know, e.g. a plugin's 0x80+ replies.
    std::function<void(const Frame&)> on_frame;
};

}  // namespace parley::client

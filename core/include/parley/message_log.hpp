#pragma once
// Where messages live once the server accepted them: the message-log SPI. Every private and
// group message is appended to its conversation's stream, gets the next sequence number there,
// and stays until retention drops it; each user's position per stream says what their client
// has acknowledged. docs/protocol.md ("Reliable delivery") is the contract this serves.

#include <chrono>
#include <compare>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <boost/config.hpp>

#include <parley/asio.hpp>
#include <parley/frame.hpp>
#include <parley/types.hpp>

namespace parley {

/// A stream of messages: the private chat of two users, or a group.
struct Conversation {
    enum class Kind : std::uint8_t { direct = 1, group = 2 };

    Kind kind = Kind::direct;
    std::uint32_t low = 0;   ///< direct: the lower user id; group: the group id
    std::uint32_t high = 0;  ///< direct: the higher user id; group: 0

    static Conversation direct(UserId a, UserId b) noexcept {
        return a < b ? Conversation{Kind::direct, a, b} : Conversation{Kind::direct, b, a};
    }
    static Conversation group(GroupId g) noexcept { return Conversation{Kind::group, g, 0}; }

    /// The other end as `user` sees it: the peer of a direct chat, or the group id.
    std::uint32_t peer_of(UserId user) const noexcept {
        return kind == Kind::group ? low : (user == low ? high : low);
    }
    bool involves(UserId user) const noexcept {
        return kind == Kind::direct && (user == low || user == high);
    }
    auto operator<=>(const Conversation&) const = default;
};

/// One stored message.
struct StoredMessage {
    std::uint64_t seq = 0;            ///< 1, 2, 3, ... within its conversation
    std::uint64_t server_msg_id = 0;  ///< unique within the log
    UserId sender = kNoUser;
    std::uint64_t client_msg_id = 0;
    std::int64_t stored_at_ms = 0;  ///< the server's clock, Unix milliseconds
    /// The frame as the sender's client sent it (sender stamped); delivery adds the sequence.
    Frame frame;
};

struct AppendResult {
    std::uint64_t seq = 0;
    std::uint64_t server_msg_id = 0;
    /// True when (sender, client_msg_id) was appended before within the dedup window: nothing
    /// was appended, and seq/server_msg_id are the first append's.
    bool duplicate = false;
    std::uint64_t epoch = 0;  ///< the log's incarnation (see StreamPosition)
};

/// Where one user stands in one conversation.
struct StreamPosition {
    Conversation conversation;
    std::uint64_t epoch = 0;      ///< the log's incarnation; changes if it lost its history
    std::uint64_t first_seq = 0;  ///< oldest message still kept (last_seq + 1 when none)
    std::uint64_t last_seq = 0;   ///< newest message; 0 when none yet
    std::uint64_t acked = 0;      ///< what the user's client acknowledged
};

/// A page of messages.
struct MessagePage {
    std::vector<StoredMessage> messages;
    std::uint64_t epoch = 0;
    std::uint64_t first_seq = 0;  ///< see StreamPosition
    std::uint64_t last_seq = 0;
};

/// The message log. One instance per node, shared by every loop: implementations are thread
/// safe. Every call completes on the caller's executor. Failures throw
/// parley::Error(backend_unavailable); an append that failed was not stored.
class BOOST_SYMBOL_VISIBLE MessageLog {
  public:
    /// What PluginHost::add registers this interface as.
    static constexpr std::string_view kPluginKind = "message-log";
    using PluginInterface = MessageLog;

    virtual ~MessageLog();

    /// Appends `frame` to `conversation` as the next message, durably (completes once the
    /// message would survive a crash of this process, as the backend defines it), unless
    /// `sender` appended `client_msg_id` before within the dedup window: then nothing is
    /// appended and the first append's numbers come back with duplicate set. client_msg_id 0 is
    /// never deduplicated.
    virtual asio::awaitable<AppendResult> append(Conversation conversation, UserId sender,
                                                 std::uint64_t client_msg_id, Frame frame) = 0;

    /// True when appends made on one thread are stored in the order append() was called: each
    /// one is handed to the backend before append() first suspends, and the backend applies them
    /// in that order (a resend of a client_msg_id whose first append is still in flight then
    /// finds it and comes back a duplicate). A session may then start its next append before the
    /// last one completed (Handler::pipelines). The default is false.
    virtual bool keeps_append_order() const noexcept;
    /// Whether the backend can serve now, for the node's /readyz (docs/admin-http.md):
    /// completes when it can, throws Error(backend_unavailable) saying why not. Answers within
    /// the backend's own call time-out; may be called at any time from any thread. The default
    /// (for backends with nothing to reach) completes at once. Plugin API 5.
    virtual asio::awaitable<void> check_ready();

    /// Messages of `conversation` with seq > `after`, ascending, at most `limit`.
    virtual asio::awaitable<MessagePage> read(Conversation conversation, std::uint64_t after,
                                              std::uint32_t limit) = 0;

    /// Messages of `conversation` with seq < `before` (0: from the newest), newest first, at
    /// most `limit`: paging backwards through history.
    virtual asio::awaitable<MessagePage> read_back(Conversation conversation, std::uint64_t before,
                                                   std::uint32_t limit) = 0;

    /// `user`'s client has everything of `conversation` up to `seq`. Positions only move
    /// forward: a lower `seq` is ignored.
    virtual asio::awaitable<void> acknowledge(UserId user, Conversation conversation,
                                              std::uint64_t seq) = 0;

    /// Where `user` stands in every direct conversation they take part in, every group
    /// conversation they have a position in (set by acknowledge, which a join does), and the
    /// `groups` given.
    virtual asio::awaitable<std::vector<StreamPosition>> positions(UserId user,
                                                                   std::vector<GroupId> groups) = 0;
};

}  // namespace parley

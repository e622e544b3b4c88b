#pragma once
// Encoding the frames a client sends. Bodies are parley.proto messages (docs/protocol.md).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <parley/client/client_events.hpp>
#include <parley/client/conversation.hpp>
#include <parley/frame.hpp>
#include <parley/types.hpp>

namespace parley::client {

/// The handshake; its header's sender is 0, the user id travels in the body.
/// `resume_epoch` and `resume_token`: the epoch and resume token of this client's previous
/// session (0 and "" for none), so a reconnect replaces a session the server has not yet
/// noticed is gone. It always asks for a sync from `positions` (a node without a message log
/// ignores that).
Frame make_handshake(UserId user, const std::string& token, const std::string& client_name,
                     std::uint64_t resume_epoch, const std::string& resume_token,
                     const Positions& positions);
/// A heartbeat carrying the wall clock, which the server echoes.
Frame make_heartbeat(UserId sender);
/// A private (receiver = user) or group (receiver = group) message.
Frame make_chat(FrameType type, UserId sender, std::uint32_t receiver, std::uint64_t id,
                std::string text);
/// A group join or leave.
Frame make_membership(FrameType type, UserId sender, GroupId group, std::uint64_t id);
Frame make_presence_request(UserId sender, std::uint64_t id, std::uint64_t cursor,
                            std::uint32_t limit);
/// RECEIVED with the positions that moved.
Frame make_received(UserId sender,
                    const std::vector<std::pair<ConversationId, ConversationPosition>>& moved);
/// SYNC from `positions`, with the server's default round size.
Frame make_sync_request(UserId sender, std::uint64_t id, const Positions& positions);
Frame make_history_request(UserId sender, std::uint64_t id, const ConversationId& conversation,
                           std::uint64_t before_seq, std::uint32_t limit);

/// Which conversation a chat frame belongs to, seen by `me`.
ConversationId conversation_of(const Frame& frame, UserId me);
/// A chat frame as an event; nothing when its body does not parse.
std::optional<ChatEvent> chat_event_of(const Frame& frame);
/// A whole frame from its wire bytes (a HistoryPage carries them); empty when malformed.
Frame frame_from_bytes(std::string_view bytes);

}  // namespace parley::client

#pragma once
// Conversations as the client names them, and how far it has received each one
// (docs/protocol.md, section 12).

#include <compare>
#include <cstdint>
#include <map>

namespace parley::client {

enum class ChatKind { private_message, group_message };

/// A private chat, named by the other user, or a group, named by its id.
struct ConversationId {
    ChatKind kind = ChatKind::private_message;
    std::uint32_t peer = 0;

    auto operator<=>(const ConversationId&) const = default;
};

/// Every message of a conversation up to and including `seq` is in the application's hands;
/// `epoch` is the message log's epoch that `seq` belongs to (0: not known).
struct ConversationPosition {
    std::uint64_t seq = 0;
    std::uint64_t epoch = 0;

    auto operator<=>(const ConversationPosition&) const = default;
};

using Positions = std::map<ConversationId, ConversationPosition>;

}  // namespace parley::client

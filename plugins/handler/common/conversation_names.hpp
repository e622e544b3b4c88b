#pragma once
// Conversations as the wire names them (kind + the other end, from the user's side) and as the
// message log keys them.

#include <optional>
#include <string>

#include <parley.pb.h>

#include <parley/error.hpp>
#include <parley/frame.hpp>
#include <parley/message_log.hpp>

namespace parley::plugins::handlers {

/// The conversation `user` means by (kind, peer); nothing for an unknown kind or peer 0.
inline std::optional<Conversation> conversation_of(UserId user, wire::ConversationKind kind,
                                                   std::uint32_t peer) {
    if (peer == 0) {
        return std::nullopt;
    }
    switch (kind) {
        case wire::DIRECT:
            return Conversation::direct(user, peer);
        case wire::GROUP:
            return Conversation::group(peer);
        default:
            return std::nullopt;
    }
}

inline wire::ConversationKind wire_kind(const Conversation& conversation) {
    return conversation.kind == Conversation::Kind::group ? wire::GROUP : wire::DIRECT;
}

/// The conversation a delivered chat frame belongs to, or nothing for other frames.
inline std::optional<Conversation> conversation_of(const Frame& frame) {
    if (frame.type() == FrameType::private_message) {
        return Conversation::direct(frame.sender(), frame.receiver());
    }
    if (frame.type() == FrameType::group_message) {
        return Conversation::group(frame.receiver());
    }
    return std::nullopt;
}

}  // namespace parley::plugins::handlers

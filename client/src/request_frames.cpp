#include "request_frames.hpp"

#include <chrono>

#include "parley.pb.h"

namespace parley::client {
namespace {

std::uint64_t now_ms() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
}

void set_position(wire::Position& out, const ConversationId& conversation,
                  const ConversationPosition& position) {
    out.set_kind(conversation.kind == ChatKind::group_message ? wire::GROUP : wire::DIRECT);
    out.set_peer(conversation.peer);
    out.set_seq(position.seq);
    out.set_epoch(position.epoch);
}

}  // namespace

Frame make_handshake(UserId user, const std::string& token, const std::string& client_name,
                     std::uint64_t resume_epoch, const std::string& resume_token,
                     const Positions& positions) {
    wire::Handshake handshake;
    handshake.set_user_id(user);
    handshake.set_token(token);
    handshake.set_client_name(client_name);
    handshake.set_resume_epoch(resume_epoch);
    handshake.set_resume_token(resume_token);
    handshake.set_sync(true);
    for (const auto& [conversation, position] : positions) {
        set_position(*handshake.add_positions(), conversation, position);
    }
    return Frame::make(FrameType::handshake, kNoUser, kNoUser, handshake);
}

Frame make_heartbeat(UserId sender) {
    wire::Heartbeat beat;
    beat.set_timestamp_ms(now_ms());
    return Frame::make(FrameType::heartbeat, sender, kNoUser, beat);
}

Frame make_chat(FrameType type, UserId sender, std::uint32_t receiver, std::uint64_t id,
                std::string text) {
    wire::ChatMessage message;
    message.set_client_msg_id(id);
    message.set_content(std::move(text));
    message.set_sent_at_ms(now_ms());
    return Frame::make(type, sender, receiver, message);
}

Frame make_membership(FrameType type, UserId sender, GroupId group, std::uint64_t id) {
    wire::GroupMembership membership;
    membership.set_client_msg_id(id);
    return Frame::make(type, sender, group, membership);
}

Frame make_presence_request(UserId sender, std::uint64_t id, std::uint64_t cursor,
                            std::uint32_t limit) {
    wire::PresenceRequest request;
    request.set_client_msg_id(id);
    request.set_cursor(cursor);
    request.set_limit(limit);
    return Frame::make(FrameType::presence, sender, kNoUser, request);
}

Frame make_received(UserId sender,
                    const std::vector<std::pair<ConversationId, ConversationPosition>>& moved) {
    wire::Received received;
    for (const auto& [conversation, position] : moved) {
        set_position(*received.add_positions(), conversation, position);
    }
    return Frame::make(FrameType::received, sender, kNoUser, received);
}

Frame make_sync_request(UserId sender, std::uint64_t id, const Positions& positions) {
    wire::SyncRequest request;
    request.set_client_msg_id(id);
    for (const auto& [conversation, position] : positions) {
        set_position(*request.add_positions(), conversation, position);
    }
    return Frame::make(FrameType::sync, sender, kNoUser, request);
}

Frame make_history_request(UserId sender, std::uint64_t id, const ConversationId& conversation,
                           std::uint64_t before_seq, std::uint32_t limit) {
    wire::HistoryRequest request;
    request.set_client_msg_id(id);
    request.set_kind(conversation.kind == ChatKind::group_message ? wire::GROUP : wire::DIRECT);
    request.set_peer(conversation.peer);
    request.set_before_seq(before_seq);
    request.set_limit(limit);
    return Frame::make(FrameType::history, sender, kNoUser, request);
}

ConversationId conversation_of(const Frame& frame, UserId me) {
    if (frame.type() == FrameType::group_message) {
        return {ChatKind::group_message, frame.receiver()};
    }
    return {ChatKind::private_message, frame.sender() == me ? frame.receiver() : frame.sender()};
}

std::optional<ChatEvent> chat_event_of(const Frame& frame) {
    wire::ChatMessage message;
    if (!frame.parse_body(message)) {
        return std::nullopt;
    }
    ChatEvent event;
    event.kind = frame.type() == FrameType::group_message ? ChatKind::group_message
                                                          : ChatKind::private_message;
    event.from = frame.sender();
    event.to = frame.receiver();
    event.client_msg_id = message.client_msg_id();
    event.content = message.content();
    event.sent_at_ms = message.sent_at_ms();
    event.frame = frame;
    event.seq = message.seq();
    event.server_msg_id = message.server_msg_id();
    return event;
}

Frame frame_from_bytes(std::string_view bytes) {
    if (bytes.size() < kFrameHeaderSize || static_cast<std::uint8_t>(bytes[0]) != 0xAB) {
        return {};
    }
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
    if (get_u32(data + 1) + 1 != bytes.size()) {
        return {};
    }
    return Frame::make(
        FrameType{data[5]}, get_u32(data + 6), get_u32(data + 10),
        std::span<const std::uint8_t>(data + kFrameHeaderSize, bytes.size() - kFrameHeaderSize));
}

}  // namespace parley::client

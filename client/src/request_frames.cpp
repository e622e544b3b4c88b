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

}  // namespace

Frame make_handshake(UserId user, const std::string& token, const std::string& client_name,
                     std::uint64_t resume_epoch) {
    wire::Handshake handshake;
    handshake.set_user_id(user);
    handshake.set_token(token);
    handshake.set_client_name(client_name);
    handshake.set_resume_epoch(resume_epoch);
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

}  // namespace parley::client

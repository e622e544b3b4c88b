#pragma once
// What every request handler does first and last: parse the body, remember its client message
// id so errors answer the right request, and acknowledge.

#include <cstdint>
#include <string>
#include <string_view>

#include <parley.pb.h>

#include <parley/error.hpp>
#include <parley/frame.hpp>
#include <parley/handler.hpp>
#include <parley/message_log.hpp>
#include <parley/node.hpp>

#include "common/chat_message_scan.hpp"

namespace parley::plugins::handlers {

/// Parses `frame`'s body as `Message` and sets ctx.ref_id to its client_msg_id, so that any
/// error thrown from here on carries it. A body that does not parse is bad_body, e.g.
/// "private message body is not a ChatMessage".
template <typename Message>
Message parse_request(RequestContext& ctx, const Frame& frame, std::string_view request_name,
                      std::string_view message_name) {
    Message message;
    if (!frame.parse_body(message)) {
        throw Error(ErrorCode::bad_body,
                    std::string(request_name) + " body is not a " + std::string(message_name));
    }
    ctx.ref_id = message.client_msg_id();
    return message;
}

/// parse_request for a ChatMessage the server forwards as it is: checks the body and sets
/// ctx.ref_id without building the message (see chat_message_scan.hpp). Returns the id.
inline std::uint64_t check_chat_request(RequestContext& ctx, const Frame& frame,
                                        std::string_view request_name) {
    const auto id = chat_message_id(frame.body());
    if (!id) {
        throw Error(ErrorCode::bad_body, std::string(request_name) + " body is not a ChatMessage");
    }
    ctx.ref_id = *id;
    return *id;
}

/// Whether a chat message, whose only wait is its append, may be pipelined on `node`
/// (Handler::pipelines): only into a message log that keeps the order of appends.
inline bool appends_in_order(Node& node) {
    const MessageLog* log = node.message_log();
    return log != nullptr && log->keeps_append_order();
}

/// Tells the session's user that the request `client_msg_id` was accepted.
/// Accepts the request `client_msg_id`; `seq` and `epoch`, when given, say where in a
/// conversation the request left the user (a group join: where their position starts).
inline void send_ack(RequestContext& ctx, std::uint64_t client_msg_id, std::uint64_t seq = 0,
                     std::uint64_t epoch = 0) {
    wire::Ack ack;
    ack.set_client_msg_id(client_msg_id);
    ack.set_server_msg_id(ctx.node.next_message_id());
    ack.set_seq(seq);
    ack.set_epoch(epoch);
    ctx.session->send(Frame::make(FrameType::ack, kNoUser, ctx.session->user(), ack));
}

/// Tells the session's user that the chat message `client_msg_id` is stored, and where.
inline void send_stored_ack(RequestContext& ctx, std::uint64_t client_msg_id,
                            const AppendResult& stored) {
    wire::Ack ack;
    ack.set_client_msg_id(client_msg_id);
    ack.set_server_msg_id(stored.server_msg_id);
    ack.set_seq(stored.seq);
    ack.set_epoch(stored.epoch);
    ack.set_duplicate(stored.duplicate);
    ctx.session->send(Frame::make(FrameType::ack, kNoUser, ctx.session->user(), ack));
}

}  // namespace parley::plugins::handlers

#include "cluster/undelivered_notice.hpp"

#include <parley.pb.h>

#include <parley/error.hpp>

namespace parley::cluster {

Frame undelivered_notice(const Frame& message, const std::string& reason) {
    wire::ChatMessage chat;
    // A body that does not parse still gets its notice, only without a reference.
    (void)message.parse_body(chat);
    wire::ErrorBody body;
    body.set_code(static_cast<std::uint32_t>(ErrorCode::delivery_failed));
    body.set_msg(reason);
    body.set_ref_id(chat.client_msg_id());
    body.set_ref_type(message.raw_type());
    return Frame::make(FrameType::error, kNoUser, message.sender(), body);
}

}  // namespace parley::cluster

#include "cluster/undelivered_notice.hpp"

#include <parley.pb.h>

#include <parley/error.hpp>

namespace parley::cluster {

Frame undelivered_notice(const Frame& message, std::uint64_t ref_id, const std::string& reason) {
    wire::ErrorBody body;
    body.set_code(static_cast<std::uint32_t>(ErrorCode::delivery_failed));
    body.set_msg(reason);
    body.set_ref_id(ref_id);
    body.set_ref_type(message.raw_type());
    return Frame::make(FrameType::error, kNoUser, message.sender(), body);
}

}  // namespace parley::cluster

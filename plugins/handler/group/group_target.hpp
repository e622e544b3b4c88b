#pragma once
// The group a group frame addresses, and the error for users outside it; shared by the three
// group handlers.

#include <string>
#include <string_view>

#include <parley/error.hpp>
#include <parley/frame.hpp>
#include <parley/types.hpp>

namespace parley::plugins::handlers {

/// The frame's receiver, which group frames use for the group id; 0 is bad_body.
inline GroupId target_group(const Frame& frame, std::string_view request_name) {
    const GroupId group = frame.receiver();
    if (group == 0) {
        throw Error(ErrorCode::bad_body,
                    std::string(request_name) + " names group 0; the receiver must be a group id");
    }
    return group;
}

inline Error not_a_member(UserId user, GroupId group) {
    return Error(
        ErrorCode::permission_denied,
        "user " + std::to_string(user) + " is not a member of group " + std::to_string(group));
}

}  // namespace parley::plugins::handlers

#pragma once
// Encoding the frames a client sends. Bodies are parley.proto messages (docs/protocol.md).

#include <cstdint>
#include <string>

#include <parley/frame.hpp>
#include <parley/types.hpp>

namespace parley::client {

/// The handshake; its header's sender is 0, the user id travels in the body.
/// `resume_epoch`: the epoch of this client's previous session (0 for none), so a reconnect
/// replaces a session the server has not yet noticed is gone.
Frame make_handshake(UserId user, const std::string& token, const std::string& client_name,
                     std::uint64_t resume_epoch);
/// A heartbeat carrying the wall clock, which the server echoes.
Frame make_heartbeat(UserId sender);
/// A private (receiver = user) or group (receiver = group) message.
Frame make_chat(FrameType type, UserId sender, std::uint32_t receiver, std::uint64_t id,
                std::string text);
/// A group join or leave.
Frame make_membership(FrameType type, UserId sender, GroupId group, std::uint64_t id);
Frame make_presence_request(UserId sender, std::uint64_t id, std::uint64_t cursor,
                            std::uint32_t limit);

}  // namespace parley::client

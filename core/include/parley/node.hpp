#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <boost/config.hpp>

#include <parley/error.hpp>
#include <parley/message_log.hpp>
#include <parley/registry.hpp>
#include <parley/router.hpp>
#include <parley/store.hpp>

namespace parley {

/// What the node offers handlers. Thread safe.
class BOOST_SYMBOL_VISIBLE Node {
  public:
    virtual ~Node();

    virtual const std::string& id() const noexcept = 0;
    virtual Store& store() = 0;
    virtual Router& router() = 0;
    /// Where accepted messages are kept, or nullptr when the node runs without a message log
    /// (then messages are pushed only, and a message to an offline user is refused).
    virtual MessageLog* message_log() noexcept = 0;
    /// A fresh id for a message the server accepted; unique on this node.
    virtual std::uint64_t next_message_id() noexcept = 0;
    /// How often clients are asked to send heartbeats.
    virtual std::chrono::milliseconds heartbeat_interval() const noexcept = 0;
    /// Where the node announces itself and finds the others (and their services). Plugin API 6.
    virtual Registry& registry() = 0;
    /// Closes `user`'s session on this node, if it has one, with GOODBYE `why`; false when the
    /// user has no session here. Plugin API 6.
    virtual bool close_session(UserId user, const Error& why) = 0;
    /// Users logged in on this node now. Plugin API 6.
    virtual std::size_t users_here() const noexcept = 0;
};

}  // namespace parley

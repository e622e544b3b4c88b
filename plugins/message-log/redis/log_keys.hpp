#pragma once

#include <cstdint>
#include <string>

#include <parley/message_log.hpp>

namespace parley::plugins::message_log_redis {

/// The names of the log's Redis keys, all under one prefix (`key_prefix`, default
/// "parley:log:"). A conversation's keys share the hash tag {c:...} and a user's the hash tag
/// {u:...}, so each lives in one slot. docs/plugins/message-log-redis.md describes what each
/// holds.
class LogKeys {
  public:
    explicit LogKeys(std::string prefix) : prefix_(std::move(prefix)) {}

    /// Hash {epoch, next_id}: the log's incarnation and its server_msg_id counter.
    std::string incarnation() const { return prefix_ + "incarnation"; }

    /// Hash {epoch, last, at}: the conversation's epoch, last seq and newest stored_at_ms.
    std::string meta(const Conversation& c) const { return conversation(c) + ":meta"; }
    /// Stream of the messages kept, entry id "<seq>-0".
    std::string messages(const Conversation& c) const { return conversation(c) + ":msgs"; }
    /// Sorted set seq -> stored_at_ms of the same messages, for retention by age.
    std::string times(const Conversation& c) const { return conversation(c) + ":times"; }

    /// Set of the users `user` has a direct conversation with.
    std::string peers(UserId user) const { return this->user(user) + ":peers"; }
    /// Hash "d:<peer>" | "g:<group>" -> the highest seq the user acknowledged there.
    std::string acked(UserId user) const { return this->user(user) + ":acked"; }
    /// String "<seq>:<server_msg_id>:<attempt>" of `sender`'s first append of `client_msg_id`
    /// (attempt: which append() call stored it); expires after the dedup window.
    std::string dedup(UserId sender, std::uint64_t client_msg_id) const {
        return user(sender) + ":dedup:" + std::to_string(client_msg_id);
    }

    /// The field of acked(user) for `c`.
    static std::string acked_field(UserId user, const Conversation& c) {
        return (c.kind == Conversation::Kind::group ? "g:" : "d:") +
               std::to_string(c.peer_of(user));
    }

  private:
    std::string conversation(const Conversation& c) const {
        if (c.kind == Conversation::Kind::group) {
            return prefix_ + "{c:g:" + std::to_string(c.low) + "}";
        }
        return prefix_ + "{c:d:" + std::to_string(c.low) + ":" + std::to_string(c.high) + "}";
    }
    std::string user(UserId user) const { return prefix_ + "{u:" + std::to_string(user) + "}"; }

    std::string prefix_;
};

}  // namespace parley::plugins::message_log_redis

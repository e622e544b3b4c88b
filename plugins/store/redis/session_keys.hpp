#pragma once

#include <string>

#include <parley/types.hpp>

namespace parley::plugins::redis {

/// The names of the store's Redis keys, all under one prefix (`key_prefix`, default "parley:").
/// docs/plugins/store-redis.md describes what each holds.
class SessionKeys {
  public:
    explicit SessionKeys(std::string prefix) : prefix_(std::move(prefix)) {}

    /// Hash {node, epoch} of the user's session; expires at the session's deadline.
    std::string session(UserId user) const { return session_prefix() + std::to_string(user); }
    /// What session(user) starts with, for scripts that build the key themselves.
    std::string session_prefix() const { return prefix_ + "session:"; }
    /// Sorted set of online users, scored by user id: pages in id order.
    std::string online() const { return prefix_ + "online"; }
    /// Sorted set of the same users scored by their records' deadline (ms, Redis clock), so the
    /// users of a dead node can be pruned from `online` without scanning it.
    std::string deadlines() const { return prefix_ + "online:deadlines"; }
    /// Sorted set of a group's members, scored by user id.
    std::string group(GroupId group) const { return prefix_ + "group:" + std::to_string(group); }

  private:
    std::string prefix_;
};

}  // namespace parley::plugins::redis

#pragma once
// A Store that holds nothing: no sessions, no groups. Test doubles derive from it and override
// only what their test is about.

#include <cstdint>
#include <optional>
#include <vector>

#include <parley/store.hpp>

namespace parley::test {

class EmptyStore : public Store {
  public:
    asio::awaitable<ClaimResult> claim(SessionRecord, DuplicateLoginPolicy) override {
        co_return ClaimResult{};
    }
    asio::awaitable<ClaimResult> take_over(SessionRecord, SessionRecord) override {
        co_return ClaimResult{};
    }
    asio::awaitable<void> release(UserId, std::uint64_t) override { co_return; }
    asio::awaitable<std::optional<SessionRecord>> locate(UserId) override {
        co_return std::nullopt;
    }
    asio::awaitable<OnlinePage> online(std::uint64_t, std::uint32_t) override {
        co_return OnlinePage{};
    }
    asio::awaitable<void> join_group(GroupId, UserId) override { co_return; }
    asio::awaitable<bool> leave_group(GroupId, UserId) override { co_return false; }
    asio::awaitable<bool> is_member(GroupId, UserId) override { co_return false; }
    asio::awaitable<std::vector<UserId>> group_members(GroupId) override {
        co_return std::vector<UserId>{};
    }
};

}  // namespace parley::test

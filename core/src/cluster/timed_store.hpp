#pragma once

#include <array>
#include <memory>
#include <string>

#include <parley/metrics.hpp>
#include <parley/store.hpp>

namespace parley::cluster {

/// The configured Store, with the latency of every call it answers (or fails) counted in
/// parley_backend_call_seconds{backend="store",plugin=...,call=...}. Forwards everything
/// unchanged; thread safe as the store it wraps.
class TimedStore final : public Store {
  public:
    TimedStore(std::shared_ptr<Store> inner, const std::string& plugin);

    asio::awaitable<ClaimResult> claim(SessionRecord record, DuplicateLoginPolicy policy) override;
    asio::awaitable<ClaimResult> take_over(SessionRecord record, SessionRecord holder) override;
    asio::awaitable<void> release(UserId user, std::uint64_t epoch) override;
    asio::awaitable<std::optional<SessionRecord>> locate(UserId user) override;
    asio::awaitable<OnlinePage> online(std::uint64_t cursor, std::uint32_t limit) override;
    asio::awaitable<void> join_group(GroupId group, UserId user) override;
    asio::awaitable<bool> leave_group(GroupId group, UserId user) override;
    asio::awaitable<bool> is_member(GroupId group, UserId user) override;
    asio::awaitable<std::vector<UserId>> group_members(GroupId group) override;
    asio::awaitable<std::optional<std::vector<std::string>>> group_nodes(
        GroupId group, std::uint32_t max_members) override;
    asio::awaitable<void> check_ready() override;

  private:
    enum Call {
        claim_call,
        release_call,
        locate_call,
        online_call,
        join_call,
        leave_call,
        member_call,
        members_call,
        nodes_call,
        kCalls
    };
    /// Counts the time since it was made into its call's histogram when it goes, however the
    /// call ended.
    class Timer;

    std::shared_ptr<Store> inner_;
    std::array<metrics::Histogram*, kCalls> latency_{};
};

}  // namespace parley::cluster

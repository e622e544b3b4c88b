#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include <parley/message_log.hpp>

#include "memory_log_settings.hpp"

namespace parley::plugins::message_log_memory {

/// The MessageLog in process memory: nothing survives a restart, so the epoch is drawn at random
/// when the log is made and every client resynchronises after one.
///
/// Thread safe: one mutex, held only while the maps are read or changed, never across a
/// suspension. Nothing blocks for long, so every call completes without suspending.
class MemoryLog final : public MessageLog {
  public:
    explicit MemoryLog(MemoryLogSettings settings);

    asio::awaitable<AppendResult> append(Conversation conversation, UserId sender,
                                         std::uint64_t client_msg_id, Frame frame) override;
    /// An append is done before append() returns, so appends keep the order of the calls.
    bool keeps_append_order() const noexcept override { return true; }
    asio::awaitable<MessagePage> read(Conversation conversation, std::uint64_t after,
                                      std::uint32_t limit) override;
    asio::awaitable<MessagePage> read_back(Conversation conversation, std::uint64_t before,
                                           std::uint32_t limit) override;
    asio::awaitable<void> acknowledge(UserId user, Conversation conversation,
                                      std::uint64_t seq) override;
    asio::awaitable<std::vector<StreamPosition>> positions(UserId user,
                                                           std::vector<GroupId> groups) override;

    std::uint64_t epoch() const noexcept { return epoch_; }

  private:
    struct Stream {
        std::deque<StoredMessage> messages;  ///< ascending seq, consecutive
        std::uint64_t last_seq = 0;
        std::uint64_t first_seq() const noexcept {
            return messages.empty() ? last_seq + 1 : messages.front().seq;
        }
    };
    struct FirstAppend {
        AppendResult result;
        std::chrono::steady_clock::time_point at;
    };
    using DedupKey = std::pair<UserId, std::uint64_t>;  ///< (sender, client_msg_id)

    AppendResult append_now(const Conversation& conversation, UserId sender,
                            std::uint64_t client_msg_id, Frame frame);
    // Call with mutex_ held.
    void forget_expired_dedup(std::chrono::steady_clock::time_point now);
    MessagePage empty_page(const Stream* stream) const;
    const Stream* find_stream(const Conversation& conversation) const;

    const MemoryLogSettings settings_;
    const std::uint64_t epoch_;

    mutable std::mutex mutex_;
    std::map<Conversation, Stream> streams_;
    std::uint64_t next_server_msg_id_ = 1;
    std::map<DedupKey, FirstAppend> dedup_;
    std::deque<std::pair<std::chrono::steady_clock::time_point, DedupKey>> dedup_expiry_;
    std::map<std::pair<UserId, Conversation>, std::uint64_t> acked_;
    std::unordered_map<UserId, std::set<Conversation>> direct_of_user_;
};

}  // namespace parley::plugins::message_log_memory

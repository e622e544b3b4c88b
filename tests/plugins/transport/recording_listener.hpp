#pragma once
// A TransportListener that records what a transport consumed, for tests to wait on and read.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <utility>
#include <vector>

#include <parley/frame.hpp>
#include <parley/transport.hpp>

namespace parley::test {

/// Records what a transport consumed; tests wait on it.
class RecordingListener final : public TransportListener {
  public:
    void on_node_message(Envelope envelope) override {
        std::lock_guard lock(mutex_);
        envelopes_.push_back(std::move(envelope));
        changed_.notify_all();
    }
    void on_group_message(GroupId group, Frame frame) override {
        std::lock_guard lock(mutex_);
        groups_.emplace_back(group, std::move(frame));
        changed_.notify_all();
    }

    /// Waits until `count` node messages arrived (true) or `timeout` passed (false).
    bool wait_envelopes(std::size_t count,
                        std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout, [&] { return envelopes_.size() >= count; });
    }
    bool wait_groups(std::size_t count,
                     std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout, [&] { return groups_.size() >= count; });
    }
    std::vector<Envelope> envelopes() {
        std::lock_guard lock(mutex_);
        return envelopes_;
    }
    std::vector<std::pair<GroupId, Frame>> groups() {
        std::lock_guard lock(mutex_);
        return groups_;
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<Envelope> envelopes_;
    std::vector<std::pair<GroupId, Frame>> groups_;
};

}  // namespace parley::test

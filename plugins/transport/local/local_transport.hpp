#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>

#include <parley/transport.hpp>

namespace parley::plugins::local {

/// The Transport of a single node: its only node route is its own, so a publish is a direct
/// call into the listener. Anything addressed to another node fails with backend_unavailable,
/// which tells the operator a cluster transport is needed.
///
/// Thread safe. Listener calls happen on the publishing thread, outside the lock; stop() waits
/// for the calls in progress, so none is running or starts once it returns. Do not call stop()
/// from inside a listener call.
class LocalTransport final : public Transport {
  public:
    void start(const std::string& node_id, TransportListener& listener) override;
    asio::awaitable<void> publish_to_node(std::string node_id, Envelope envelope) override;
    asio::awaitable<void> publish_to_group(GroupId group, Frame frame) override;
    void stop() override;
    /// Hands the envelope over before publish_to_node() returns.
    bool publishes_in_order() const override { return true; }

  private:
    /// Marks a listener call in progress for as long as it lives; stop() waits for all of them.
    class Call {
      public:
        explicit Call(LocalTransport& transport);
        ~Call();
        Call(const Call&) = delete;
        Call& operator=(const Call&) = delete;
        TransportListener& listener() const noexcept { return *listener_; }
        const std::string& node_id() const noexcept { return transport_.node_id_; }

      private:
        LocalTransport& transport_;
        TransportListener* listener_;
    };

    std::mutex mutex_;
    std::condition_variable idle_;
    std::string node_id_;  ///< written once by start(), before any publish
    TransportListener* listener_ = nullptr;
    bool stopped_ = false;
    std::size_t calls_in_progress_ = 0;
};

}  // namespace parley::plugins::local

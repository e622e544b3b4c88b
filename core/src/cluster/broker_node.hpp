#pragma once

#include <atomic>
#include <chrono>
#include <string>

#include <parley/node.hpp>

#include "cluster/local_directory.hpp"

namespace parley::cluster {

/// The Node handlers see: this node's id, its Store, Router and message log, and message ids.
class BrokerNode final : public Node {
  public:
    BrokerNode(std::string id, Store& store, Router& router, MessageLog* message_log,
               Registry& registry, const LocalDirectory& directory,
               std::chrono::milliseconds heartbeat_interval);

    const std::string& id() const noexcept override { return id_; }
    Store& store() override { return store_; }
    Router& router() override { return router_; }
    MessageLog* message_log() noexcept override { return message_log_; }
    std::uint64_t next_message_id() noexcept override;
    std::chrono::milliseconds heartbeat_interval() const noexcept override {
        return heartbeat_interval_;
    }
    Registry& registry() override { return registry_; }
    bool close_session(UserId user, const Error& why) override;
    std::size_t users_here() const noexcept override { return directory_.size(); }

    /// A session epoch unique on this node across restarts.
    std::uint64_t next_session_epoch() noexcept;

  private:
    std::string id_;
    Store& store_;
    Router& router_;
    MessageLog* message_log_;
    Registry& registry_;
    const LocalDirectory& directory_;
    std::chrono::milliseconds heartbeat_interval_;
    // Message ids start at the start-up time in microseconds, so they keep growing across
    // restarts; session epochs start at a per-node random base (see broker_node.cpp).
    std::atomic<std::uint64_t> message_ids_;
    std::atomic<std::uint64_t> session_epochs_;
};

}  // namespace parley::cluster

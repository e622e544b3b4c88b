#include "cluster/broker_node.hpp"

namespace parley::cluster {
namespace {

std::uint64_t startup_micros() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
}

}  // namespace

BrokerNode::BrokerNode(std::string id, Store& store, Router& router,
                       std::chrono::milliseconds heartbeat_interval)
    : id_(std::move(id)),
      store_(store),
      router_(router),
      heartbeat_interval_(heartbeat_interval),
      message_ids_(startup_micros()),
      session_epochs_(startup_micros()) {}

std::uint64_t BrokerNode::next_message_id() noexcept {
    return message_ids_.fetch_add(1, std::memory_order_relaxed) + 1;
}

std::uint64_t BrokerNode::next_session_epoch() noexcept {
    return session_epochs_.fetch_add(1, std::memory_order_relaxed) + 1;
}

}  // namespace parley::cluster

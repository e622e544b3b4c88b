#include "cluster/broker_node.hpp"

#include <functional>
#include <random>

namespace parley::cluster {
namespace {

std::uint64_t startup_micros() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
}

// Session epochs must differ across nodes too (a Store compares them): the high 32 bits mix
// the node's id, its start time and a random draw, the low 32 bits count sessions.
std::uint64_t epoch_base(const std::string& node_id) {
    std::random_device random;
    const std::uint64_t mixed = std::hash<std::string>{}(node_id) ^ startup_micros() ^
                                (std::uint64_t{random()} << 32) ^ random();
    return mixed & 0xFFFF'FFFF'0000'0000ULL;
}

}  // namespace

BrokerNode::BrokerNode(std::string id, Store& store, Router& router, MessageLog* message_log,
                       Registry& registry, const LocalDirectory& directory,
                       std::chrono::milliseconds heartbeat_interval)
    : id_(std::move(id)),
      store_(store),
      router_(router),
      message_log_(message_log),
      registry_(registry),
      directory_(directory),
      heartbeat_interval_(heartbeat_interval),
      message_ids_(startup_micros()),
      session_epochs_(epoch_base(id_)) {}

bool BrokerNode::close_session(UserId user, const Error& why) {
    const SessionPtr session = directory_.find(user);
    if (!session) {
        return false;
    }
    session->close(why);
    return true;
}

std::uint64_t BrokerNode::next_message_id() noexcept {
    return message_ids_.fetch_add(1, std::memory_order_relaxed) + 1;
}

std::uint64_t BrokerNode::next_session_epoch() noexcept {
    return session_epochs_.fetch_add(1, std::memory_order_relaxed) + 1;
}

}  // namespace parley::cluster

#include "local_transport.hpp"

#include <utility>

#include <parley/error.hpp>

namespace parley::plugins::local {

LocalTransport::Call::Call(LocalTransport& transport) : transport_(transport) {
    std::lock_guard lock(transport_.mutex_);
    if (transport_.listener_ == nullptr) {
        throw Error(ErrorCode::backend_unavailable, "transport-local is not started");
    }
    if (transport_.stopped_) {
        throw Error(ErrorCode::backend_unavailable, "transport-local is stopped");
    }
    listener_ = transport_.listener_;
    ++transport_.calls_in_progress_;
}

LocalTransport::Call::~Call() {
    std::lock_guard lock(transport_.mutex_);
    if (--transport_.calls_in_progress_ == 0) {
        transport_.idle_.notify_all();
    }
}

void LocalTransport::start(const std::string& node_id, TransportListener& listener) {
    std::lock_guard lock(mutex_);
    node_id_ = node_id;
    listener_ = &listener;
    stopped_ = false;
}

asio::awaitable<void> LocalTransport::publish_to_node(std::string node_id, Envelope envelope) {
    Call call(*this);
    if (node_id != call.node_id()) {
        throw Error(ErrorCode::backend_unavailable, "transport-local reaches only this node ('" +
                                                        call.node_id() + "'); node '" + node_id +
                                                        "' needs a cluster transport");
    }
    call.listener().on_node_message(std::move(envelope));
    co_return;
}

asio::awaitable<void> LocalTransport::publish_to_group(GroupId group, Frame frame) {
    Call call(*this);
    call.listener().on_group_message(group, std::move(frame));
    co_return;
}

void LocalTransport::stop() {
    std::unique_lock lock(mutex_);
    stopped_ = true;
    idle_.wait(lock, [this] { return calls_in_progress_ == 0; });
}

}  // namespace parley::plugins::local

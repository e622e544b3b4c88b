#include "admin_service.hpp"

#include <algorithm>
#include <random>
#include <string>

#include <spdlog/spdlog.h>

#include <parley/message_log.hpp>
#include <parley/router.hpp>
#include <parley/store.hpp>

#include "async_method.hpp"
#include "common/sequenced_frame.hpp"

namespace parley::admin {
namespace {

namespace pb = google::protobuf;

constexpr std::uint32_t kDefaultPage = 100;
constexpr std::uint32_t kMaxPage = 1000;

/// An id for a system message the caller named none for. Random, not a counter: the message
/// log deduplicates by (sender, id), every node sends as sender 0, and counters of two nodes
/// would meet.
std::uint64_t fresh_message_id() {
    thread_local std::mt19937_64 draw{std::random_device{}()};
    std::uint64_t id = 0;
    while (id == 0) {
        id = draw();
    }
    return id;
}

void require_id(std::uint32_t id, const char* what) {
    if (id == 0) {
        throw Error(ErrorCode::bad_body, std::string(what) + " 0 names nobody");
    }
}

/// The frame a system message travels in: sender 0, the content as a ChatMessage.
Frame system_message(FrameType type, std::uint32_t receiver, const std::string& content,
                     std::uint64_t client_msg_id) {
    wire::ChatMessage chat;
    chat.set_client_msg_id(client_msg_id);
    chat.set_content(content);
    return Frame::make(type, kNoUser, receiver, chat);
}

}  // namespace

AdminService::AdminService(asio::any_io_executor executor, Node& node)
    : executor_(std::move(executor)), node_(node) {}

NodeForwarder& AdminService::forwarder() {
    if (!forwarder_) {
        forwarder_ = std::make_unique<NodeForwarder>(executor_, node_.registry());
    }
    return *forwarder_;
}

void AdminService::ListOnline(pb::RpcController* call, const v1::ListOnlineRequest* request,
                              v1::ListOnlineReply* reply, pb::Closure* done) {
    run_method(executor_, call, done, [this, request, reply]() -> asio::awaitable<void> {
        const std::uint32_t limit =
            request->limit() == 0 ? kDefaultPage : std::min(request->limit(), kMaxPage);
        const OnlinePage page = co_await node_.store().online(request->cursor(), limit);
        reply->mutable_users()->Add(page.users.begin(), page.users.end());
        reply->set_next_cursor(page.next_cursor);
        reply->set_total(page.total);
    });
}

void AdminService::Locate(pb::RpcController* call, const v1::LocateRequest* request,
                          v1::LocateReply* reply, pb::Closure* done) {
    run_method(executor_, call, done, [this, request, reply]() -> asio::awaitable<void> {
        require_id(request->user(), "user");
        const auto record = co_await node_.store().locate(request->user());
        reply->set_online(record.has_value());
        reply->set_node_id(record ? record->node_id : std::string{});
    });
}

void AdminService::Kick(pb::RpcController* call, const v1::KickRequest* request,
                        v1::KickReply* reply, pb::Closure* done) {
    run_method(executor_, call, done, [this, request, reply]() -> asio::awaitable<void> {
        co_await kick(*request, *reply);
    });
}

asio::awaitable<void> AdminService::kick(const v1::KickRequest& request, v1::KickReply& reply) {
    require_id(request.user(), "user");
    const std::string reason = request.reason().empty()
                                   ? std::string{"an operator closed this session"}
                                   : request.reason();
    if (!request.here_only()) {
        const auto record = co_await node_.store().locate(request.user());
        if (!record) {
            reply.set_kicked(false);
            co_return;
        }
        if (record->node_id != node_.id()) {
            // Acted on where the user is, through that node's own Admin service.
            const std::string holder = record->node_id;
            reply = co_await forwarder().kick(holder, request);
            co_return;
        }
    }
    reply.set_kicked(node_.close_session(request.user(), Error(ErrorCode::kicked, reason)));
    reply.set_node_id(node_.id());
    if (reply.kicked()) {
        spdlog::info("admin: user {} kicked: {}", request.user(), reason);
    }
}

asio::awaitable<bool> AdminService::store_first(MessageLog& log, Conversation conversation,
                                                std::uint64_t id, Frame& frame,
                                                v1::PushReply& reply) {
    const AppendResult stored = co_await log.append(conversation, kNoUser, id, frame);
    reply.set_stored(true);
    reply.set_seq(stored.seq);
    reply.set_server_msg_id(stored.server_msg_id);
    if (stored.duplicate) {
        co_return false;
    }
    frame = plugins::handlers::with_sequence(frame, stored.seq, stored.server_msg_id);
    co_return true;
}

void AdminService::PushToUser(pb::RpcController* call, const v1::PushToUserRequest* request,
                              v1::PushReply* reply, pb::Closure* done) {
    run_method(executor_, call, done, [this, request, reply]() -> asio::awaitable<void> {
        const UserId user = request->user();
        require_id(user, "user");
        const std::uint64_t id =
            request->client_msg_id() != 0 ? request->client_msg_id() : fresh_message_id();
        Frame frame = system_message(FrameType::private_message, user, request->content(), id);
        if (MessageLog* log = node_.message_log()) {
            // As any private message: stored first, then pushed (docs/admin-service.md).
            const Conversation conversation = Conversation::direct(kNoUser, user);
            if (!co_await store_first(*log, conversation, id, frame, *reply)) {
                co_return;  // pushed the first time
            }
            try {
                const Delivery delivery = co_await node_.router().send_to_user(user, frame, 0);
                reply->set_delivered(delivery != Delivery::offline);
            } catch (const std::exception& e) {
                spdlog::debug("admin: push to user {} stored, not pushed: {}", user, e.what());
            }
            co_return;
        }
        const Delivery delivery = co_await node_.router().send_to_user(user, frame, 0);
        if (delivery == Delivery::offline) {
            throw Error(ErrorCode::recipient_unavailable,
                        "user " + std::to_string(user) +
                            " is offline, and this node keeps no messages to give them later");
        }
        reply->set_delivered(true);
    });
}

void AdminService::PushToGroup(pb::RpcController* call, const v1::PushToGroupRequest* request,
                               v1::PushReply* reply, pb::Closure* done) {
    run_method(executor_, call, done, [this, request, reply]() -> asio::awaitable<void> {
        const GroupId group = request->group();
        require_id(group, "group");
        const std::uint64_t id =
            request->client_msg_id() != 0 ? request->client_msg_id() : fresh_message_id();
        Frame frame = system_message(FrameType::group_message, group, request->content(), id);
        if (MessageLog* log = node_.message_log()) {
            const Conversation conversation = Conversation::group(group);
            if (!co_await store_first(*log, conversation, id, frame, *reply)) {
                co_return;
            }
        }
        co_await node_.router().send_to_group(group, frame);
    });
}

void AdminService::GroupMembers(pb::RpcController* call, const v1::GroupMembersRequest* request,
                                v1::GroupMembersReply* reply, pb::Closure* done) {
    run_method(executor_, call, done, [this, request, reply]() -> asio::awaitable<void> {
        require_id(request->group(), "group");
        std::vector<UserId> members = co_await node_.store().group_members(request->group());
        std::sort(members.begin(), members.end());
        reply->mutable_members()->Add(members.begin(), members.end());
    });
}

void AdminService::NodeStats(pb::RpcController* call, const v1::NodeStatsRequest* /*request*/,
                             v1::NodeStatsReply* reply, pb::Closure* done) {
    run_method(executor_, call, done, [this, reply]() -> asio::awaitable<void> {
        reply->set_node_id(node_.id());
        reply->set_users_here(node_.users_here());
        const OnlinePage first = co_await node_.store().online(0, 1);
        reply->set_users_online(first.total);
    });
}

}  // namespace parley::admin

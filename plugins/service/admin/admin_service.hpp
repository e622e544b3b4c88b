#pragma once

#include <memory>

#include <parley/asio.hpp>
#include <parley/frame.hpp>
#include <parley/message_log.hpp>
#include <parley/node.hpp>

#include "node_forwarder.hpp"
#include "parley/admin/v1/admin.pb.h"

namespace parley::admin {

/// parley.admin.v1.Admin on one node (docs/admin-service.md). Every method runs on the plugin's
/// loop; a Kick for a user on another node is forwarded there over RPC.
class AdminService final : public v1::Admin {
  public:
    AdminService(asio::any_io_executor executor, Node& node);

    void ListOnline(google::protobuf::RpcController* call, const v1::ListOnlineRequest* request,
                    v1::ListOnlineReply* reply, google::protobuf::Closure* done) override;
    void Locate(google::protobuf::RpcController* call, const v1::LocateRequest* request,
                v1::LocateReply* reply, google::protobuf::Closure* done) override;
    void Kick(google::protobuf::RpcController* call, const v1::KickRequest* request,
              v1::KickReply* reply, google::protobuf::Closure* done) override;
    void PushToUser(google::protobuf::RpcController* call, const v1::PushToUserRequest* request,
                    v1::PushReply* reply, google::protobuf::Closure* done) override;
    void PushToGroup(google::protobuf::RpcController* call, const v1::PushToGroupRequest* request,
                     v1::PushReply* reply, google::protobuf::Closure* done) override;
    void GroupMembers(google::protobuf::RpcController* call, const v1::GroupMembersRequest* request,
                      v1::GroupMembersReply* reply, google::protobuf::Closure* done) override;
    void NodeStats(google::protobuf::RpcController* call, const v1::NodeStatsRequest* request,
                   v1::NodeStatsReply* reply, google::protobuf::Closure* done) override;

  private:
    asio::awaitable<void> kick(const v1::KickRequest& request, v1::KickReply& reply);
    /// Stores a system message in the log and numbers `frame` for the push; false when the log
    /// already had it (a resend of the same id), which was pushed the first time.
    asio::awaitable<bool> store_first(MessageLog& log, Conversation conversation, std::uint64_t id,
                                      Frame& frame, v1::PushReply& reply);
    /// Creates the forwarder on first use: the node's registry exists only once it serves.
    NodeForwarder& forwarder();

    asio::any_io_executor executor_;
    Node& node_;
    std::unique_ptr<NodeForwarder> forwarder_;
};

}  // namespace parley::admin

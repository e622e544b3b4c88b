#pragma once

#include <map>
#include <memory>
#include <string>

#include <parley/asio.hpp>
#include <parley/client/rpc_channel.hpp>
#include <parley/registry.hpp>

#include "parley/admin/v1/admin.pb.h"

namespace parley::admin {

/// Calls parley.admin.v1.Admin on one given node, found in the registry like any service
/// instance: how a node acts where a user is. One kept channel per node. On the plugin's loop
/// only.
class NodeForwarder {
  public:
    NodeForwarder(asio::any_io_executor executor, Registry& registry);

    /// Kick on node `node_id`, acting there only. Throws Error with the call's failure.
    asio::awaitable<v1::KickReply> kick(std::string node_id, v1::KickRequest request);

  private:
    v1::Admin_Stub& stub_for(const std::string& node_id);

    asio::any_io_executor executor_;
    std::shared_ptr<client::RpcTargets> registry_targets_;
    std::map<std::string, std::unique_ptr<client::RpcChannel>> channels_;
    std::map<std::string, std::unique_ptr<v1::Admin_Stub>> stubs_;
};

}  // namespace parley::admin

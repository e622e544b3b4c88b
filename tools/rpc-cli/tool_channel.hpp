#pragma once
// The RpcChannel parley-rpc calls through: to fixed --server endpoints or to the instances a
// client configuration's registry plugin lists, with its own I/O thread.

#include <memory>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <parley/client/registry_discovery.hpp>
#include <parley/client/rpc_channel.hpp>

#include "parley/rpc/v1/reflection.pb.h"
#include "rpc_options.hpp"

namespace parley::rpc_cli {

/// Use from the main thread only; calls block it until they end.
class ToolChannel {
  public:
    /// Loads the registry plugin when `options` name a configuration. Throws ToolError(usage)
    /// for a bad endpoint, configuration or policy.
    explicit ToolChannel(const RpcOptions& options);
    ~ToolChannel();
    ToolChannel(const ToolChannel&) = delete;
    ToolChannel& operator=(const ToolChannel&) = delete;

    /// Calls `method` and waits for the answer. Throws CallFailed.
    void call(const google::protobuf::MethodDescriptor& method,
              const google::protobuf::Message& request, google::protobuf::Message& reply);
    /// parley.rpc.v1.Reflection/ListServices. Throws CallFailed.
    rpc::v1::ListServicesReply list_services();

  private:
    const RpcOptions& options_;
    boost::asio::io_context io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
    // Kept while the channel lives: the registry it lends is the plugin's.
    std::shared_ptr<client::RegistryDiscovery> discovery_;
    std::unique_ptr<client::RpcChannel> channel_;
    std::thread thread_;
};

}  // namespace parley::rpc_cli

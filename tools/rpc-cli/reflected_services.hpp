#pragma once
// The services a server hosts, as it described them through parley.rpc.v1.Reflection: a
// descriptor pool built from its FileDescriptorSet, so requests and answers can be made from
// JSON without the .proto files.

#include <memory>
#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>

#include "parley/rpc/v1/reflection.pb.h"

namespace parley::rpc_cli {

class ReflectedServices {
  public:
    /// Builds the pool. Throws ToolError(call_failed) when the files do not build.
    explicit ReflectedServices(const rpc::v1::ListServicesReply& reply);

    /// Full names, sorted as the server sent them.
    const std::vector<std::string>& names() const noexcept { return names_; }
    /// Throws ToolError(usage) naming the services there are.
    const google::protobuf::ServiceDescriptor& service(const std::string& name) const;
    /// "package.Service/Method" (or "package.Service.Method"). Throws ToolError(usage) naming
    /// the services or methods there are.
    const google::protobuf::MethodDescriptor& method(const std::string& full_name) const;
    /// A service, method or message by name, in .proto form. Throws ToolError(usage).
    std::string describe(const std::string& symbol) const;

  private:
    google::protobuf::DescriptorPool pool_;
    std::vector<std::string> names_;
};

}  // namespace parley::rpc_cli

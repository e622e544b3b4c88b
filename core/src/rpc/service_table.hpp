#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <parley/rpc.hpp>

namespace google::protobuf {
class MethodDescriptor;
class ServiceDescriptor;
}  // namespace google::protobuf

namespace parley::rpc {

/// One method of a hosted service, as a call names it.
struct MethodTarget {
    google::protobuf::Service* service = nullptr;
    const google::protobuf::MethodDescriptor* method = nullptr;
};

/// The services a node hosts, by full name: the "map" a call is looked up in. Filled at
/// start-up on the main thread, read-only afterwards (so any thread may read it).
class ServiceTable {
  public:
    /// Hosts `service`; `owner` names who registered it ("service plugin 'echo'"). Throws
    /// std::invalid_argument when a service of the same full name is already hosted.
    void add(std::shared_ptr<RpcService> service, const std::string& owner);

    /// The method `full_method` ("package.Service/Method") names. Throws Error unknown_service
    /// or unknown_method, saying what is hosted.
    MethodTarget find(std::string_view full_method) const;

    /// Full names, sorted.
    std::vector<std::string> names() const;
    std::vector<const google::protobuf::ServiceDescriptor*> descriptors() const;
    bool empty() const noexcept { return services_.empty(); }

  private:
    struct Hosted {
        std::shared_ptr<RpcService> service;
        std::string owner;
    };
    std::map<std::string, Hosted, std::less<>> services_;
};

}  // namespace parley::rpc

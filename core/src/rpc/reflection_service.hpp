#pragma once

#include <memory>

#include <parley/rpc.hpp>

namespace parley::rpc {

class ServiceTable;

/// parley.rpc.v1.Reflection over `table`: what parley-rpc lists and builds requests from.
/// `table` outlives the service.
std::shared_ptr<RpcService> make_reflection_service(const ServiceTable& table);

}  // namespace parley::rpc

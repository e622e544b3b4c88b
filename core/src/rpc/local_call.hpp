#pragma once

#include <chrono>
#include <memory>

#include <google/protobuf/message.h>

#include <parley/asio.hpp>
#include <parley/rpc.hpp>

#include "rpc/service_table.hpp"

namespace parley::rpc {

/// One call of a method this node hosts, made in this process (the HTTP API's way in). The
/// request and answer are shared: a method that outlives the time-out still writes into them.
struct LocalCall {
    MethodTarget target;
    std::shared_ptr<google::protobuf::Message> request;
    std::shared_ptr<google::protobuf::Message> response;
    std::shared_ptr<RpcCall> controller = std::make_shared<RpcCall>();
};

/// A LocalCall for `target` with empty request and answer of the method's types.
LocalCall prepare_local_call(const MethodTarget& target);

/// Runs `call` as the RPC listener would: the method's failure, an exception it throws, or
/// DEADLINE_EXCEEDED after `timeout` ends up in call.controller. Completes on the caller's
/// executor.
asio::awaitable<void> run_local_call(LocalCall call, std::chrono::milliseconds timeout);

}  // namespace parley::rpc

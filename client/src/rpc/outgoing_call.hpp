#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/steady_timer.hpp>
#include <google/protobuf/message.h>
#include <google/protobuf/service.h>

#include <parley/rpc.hpp>

#include "parley.pb.h"

namespace parley::client::rpc {

class RpcLink;

/// One call made through an RpcChannel, across its attempts. Touched only on the channel's
/// strand.
struct OutgoingCall {
    /// How the current attempt ended.
    enum class Outcome {
        pending,
        answered,  ///< `answer` holds the server's RpcResponse
        lost,      ///< the connection ended before the answer came; the call may have run
    };

    explicit OutgoingCall(const asio::any_io_executor& executor)
        : wake(executor), deadline_timer(executor) {}

    const google::protobuf::MethodDescriptor* method = nullptr;
    RpcCall* controller = nullptr;
    google::protobuf::Message* response = nullptr;
    google::protobuf::Closure* done = nullptr;
    std::string payload;  ///< the request, serialized once for every attempt
    std::chrono::steady_clock::time_point deadline;
    bool finished = false;  ///< `done` ran (or is about to): nothing more happens

    // The attempt in progress.
    std::shared_ptr<RpcLink> link;
    std::uint64_t call_id = 0;
    Outcome outcome = Outcome::pending;
    wire::RpcResponse answer;
    std::string lost_reason;
    /// Cancelled to wake the call's coroutine when the attempt ends.
    asio::steady_timer wake;
    asio::steady_timer deadline_timer;
};

}  // namespace parley::client::rpc

#pragma once
// Calling services (docs/rpc.md). An RpcChannel is a protobuf RpcChannel: hand it to the stub
// protoc generates for a service, and every call finds an instance of that service through the
// registry, picks one by the channel's load-balancing policy, and goes over a kept connection:
//
//     parley::client::RpcChannel channel(io.get_executor(), registry, {.policy = "round-robin"});
//     parley::echo::v1::Echo_Stub echo(&channel);
//     parley::RpcCall call;
//     call.set_timeout(std::chrono::seconds(2));
//     echo.Say(&call, &request, &reply, nullptr);  // nullptr: wait here (not on io's thread)
//     if (call.Failed()) { ... call.code(), call.ErrorText() ... }
//
// With a `done` closure the call returns at once and `done` runs on the channel's executor.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <google/protobuf/service.h>

#include <parley/asio.hpp>
#include <parley/registry.hpp>
#include <parley/rpc.hpp>

namespace parley::client {

struct RpcChannelOptions {
    /// How an instance is picked: random, round-robin, least-loaded or consistent-hash (by the
    /// call's call_key).
    std::string policy = "round-robin";
    /// For calls whose RpcCall names no time-out; it covers every attempt of a call.
    std::chrono::milliseconds default_timeout{10'000};
    /// Attempts per call, on different instances when there are: a call is tried again when
    /// it could not be sent, or when its connection was lost and it is idempotent.
    unsigned max_attempts = 3;
    /// Sent with every call, for listeners that set rpc.token.
    std::string token;
    std::uint32_t max_frame_size = 4 * 1024 * 1024;  ///< largest answer body accepted
};

/// Where a channel finds the instances of a service: a registry, or fixed endpoints.
class RpcTargets {
  public:
    virtual ~RpcTargets();
    /// The instances of `service` now. May throw when the backend is unreachable.
    virtual asio::awaitable<std::vector<ServiceInstance>> instances(std::string service) = 0;
};

/// The instances a registry lists, watched per service once asked for. The registry outlives
/// these targets.
std::shared_ptr<RpcTargets> registry_targets(std::shared_ptr<Registry> registry);
/// The same endpoints ("host:port" or "tcp://host:port") for every service, each its own
/// instance (ids are the endpoints). Throws std::invalid_argument for a malformed one.
std::shared_ptr<RpcTargets> fixed_targets(const std::vector<std::string>& endpoints);

class RpcChannel final : public google::protobuf::RpcChannel {
  public:
    /// `executor` runs the channel's I/O and the `done` closures (an io_context's, run by some
    /// thread). Throws std::invalid_argument for an unknown policy.
    RpcChannel(asio::any_io_executor executor, std::shared_ptr<RpcTargets> targets,
               RpcChannelOptions options = {});
    ~RpcChannel() override;
    RpcChannel(const RpcChannel&) = delete;
    RpcChannel& operator=(const RpcChannel&) = delete;

    /// Calls `method`. `controller` must be a parley::RpcCall. Without `done` this blocks the
    /// calling thread until the call ends: never call it so from the channel's executor.
    /// Thread safe.
    void CallMethod(const google::protobuf::MethodDescriptor* method,
                    google::protobuf::RpcController* controller,
                    const google::protobuf::Message* request, google::protobuf::Message* response,
                    google::protobuf::Closure* done) override;

    /// Closes every connection (soon, on the executor); calls in flight end with UNAVAILABLE,
    /// and later ones at once. Thread safe; the destructor does it too.
    void close();

    class Core;

  private:
    std::shared_ptr<Core> core_;
};

}  // namespace parley::client

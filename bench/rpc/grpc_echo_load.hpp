#pragma once

#include <memory>

#include "echo_load.hpp"

namespace parley::bench::rpc {

/// parley.bench.grpc.v1.Echo/Say through gRPC's asynchronous client: one channel (one HTTP/2
/// connection), one completion queue drained by the calling thread.
std::unique_ptr<EchoLoad> make_grpc_echo_load(const RpcBenchOptions& options);

}  // namespace parley::bench::rpc

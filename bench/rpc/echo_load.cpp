#include "echo_load.hpp"

#include <stdexcept>

#include "parley_echo_load.hpp"
#ifdef PARLEY_RPC_BENCH_GRPC
#include "grpc_echo_load.hpp"
#endif

namespace parley::bench::rpc {

std::unique_ptr<EchoLoad> make_echo_load(const RpcBenchOptions& options) {
    if (options.target == Target::parley) {
        return make_parley_echo_load(options);
    }
#ifdef PARLEY_RPC_BENCH_GRPC
    return make_grpc_echo_load(options);
#else
    throw std::runtime_error(
        "this parley-rpc-bench was built without gRPC (libgrpc++-dev was not found at configure "
        "time): --target grpc is not available");
#endif
}

}  // namespace parley::bench::rpc

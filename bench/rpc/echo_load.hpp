#pragma once
// A closed loop of unary echo calls against one server: `concurrency` calls outstanding, each
// answer (or failure) starting the next, until the recorder says the window is over.

#include <memory>

#include "call_recorder.hpp"
#include "rpc_bench_options.hpp"

namespace parley::bench::rpc {

class EchoLoad {
  public:
    virtual ~EchoLoad() = default;
    /// Runs the loop on the calling thread, reporting every call to `recorder`; returns when
    /// every outstanding call has ended after the window.
    virtual void run(CallRecorder& recorder) = 0;
};

/// The driver for options.target; throws std::runtime_error for gRPC when this build has no
/// gRPC.
std::unique_ptr<EchoLoad> make_echo_load(const RpcBenchOptions& options);

}  // namespace parley::bench::rpc

#pragma once

#include <memory>

#include "echo_load.hpp"

namespace parley::bench::rpc {

/// parley.echo.v1.Echo/Say through parley::client::RpcChannel (one connection to the
/// endpoint), its `done` closures on one io_context run by the calling thread.
std::unique_ptr<EchoLoad> make_parley_echo_load(const RpcBenchOptions& options);

}  // namespace parley::bench::rpc

#pragma once
// What each parley-rpc command does, writing its result to `out`. Each throws ToolError or
// CallFailed (tool_error.hpp) when it cannot.

#include <iosfwd>

#include "rpc_options.hpp"
#include "tool_channel.hpp"

namespace parley::rpc_cli {

/// `list`: the services, one per line; `list SERVICE`: its methods with their types.
void run_list(ToolChannel& channel, const RpcOptions& options, std::ostream& out);
/// `describe SYMBOL`: a service, method or message in .proto form.
void run_describe(ToolChannel& channel, const RpcOptions& options, std::ostream& out);
/// `call SERVICE/METHOD [JSON]`: the answer as JSON. The request comes from the argument, from
/// -d, or from `in` with -d @-.
void run_call(ToolChannel& channel, const RpcOptions& options, std::istream& in, std::ostream& out);

}  // namespace parley::rpc_cli

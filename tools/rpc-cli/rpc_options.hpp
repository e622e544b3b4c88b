#pragma once
// parley-rpc's command line: where to call, how, and what to do.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace parley::rpc_cli {

struct RpcOptions {
    std::vector<std::string> servers;             ///< --server HOST:PORT, repeatable, or ...
    std::optional<std::filesystem::path> config;  ///< ... -c CLIENT.yaml naming a registry
    std::chrono::milliseconds timeout{10'000};    ///< --timeout
    std::string token;                            ///< --token, else $PARLEY_RPC_TOKEN
    std::optional<std::string> policy;            ///< --policy
    bool idempotent = false;                      ///< --idempotent
    bool compact = false;                         ///< --compact
    std::optional<std::string> data;              ///< -d: the request, "@-" for stdin
    bool help = false;                            ///< --help
    std::string command;                          ///< list, describe or call
    std::vector<std::string> arguments;           ///< the command's own arguments
};

/// Parses the arguments after the program name; options may come before or after the command.
/// `env_token` is $PARLEY_RPC_TOKEN, if set. Throws ToolError(usage).
RpcOptions parse_rpc_options(const std::vector<std::string>& args,
                             std::optional<std::string> env_token);

/// The --help text.
std::string rpc_usage();

}  // namespace parley::rpc_cli

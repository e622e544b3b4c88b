#include "rpc_options.hpp"

#include <map>

#include <parley/config_node.hpp>

#include "tool_error.hpp"

namespace parley::rpc_cli {
namespace {

[[noreturn]] void usage_error(const std::string& message) {
    throw ToolError(ExitStatus::usage, message);
}

std::chrono::milliseconds parse_timeout(const std::string& text) {
    std::chrono::milliseconds timeout{0};
    try {
        timeout = ConfigNode::make_scalar(text).as_duration();
    } catch (const std::exception&) {
        usage_error("--timeout '" + text + "' is not a duration like 500ms, 10s or 1m");
    }
    if (timeout.count() <= 0) {
        usage_error("--timeout must be positive");
    }
    return timeout;
}

/// The command's own arguments, checked by count.
void check_arguments(const RpcOptions& options) {
    const std::size_t count = options.arguments.size();
    if (options.command == "list") {
        if (count > 1) {
            usage_error("list takes at most one SERVICE");
        }
    } else if (options.command == "describe") {
        if (count != 1) {
            usage_error("describe takes one SERVICE, SERVICE/METHOD or MESSAGE");
        }
    } else if (options.command == "call") {
        if (count < 1 || count > 2) {
            usage_error("call takes SERVICE/METHOD and, unless -d gives it, the request as JSON");
        }
        if (count == 2 && options.data) {
            usage_error("give the request either as an argument or with -d, not both");
        }
    } else if (options.command.empty()) {
        usage_error("no command: list, describe or call");
    } else {
        usage_error("unknown command '" + options.command + "': list, describe or call");
    }
}

}  // namespace

RpcOptions parse_rpc_options(const std::vector<std::string>& args,
                             std::optional<std::string> env_token) {
    RpcOptions options;
    if (env_token) {
        options.token = std::move(*env_token);
    }
    bool options_ended = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string arg = args[i];
        if (options_ended || arg.empty() || arg[0] != '-' || arg == "-") {
            if (options.command.empty()) {
                options.command = arg;
            } else {
                options.arguments.push_back(arg);
            }
            continue;
        }
        if (arg == "--") {
            options_ended = true;
            continue;
        }
        std::optional<std::string> inline_value;
        if (const auto eq = arg.find('='); arg.starts_with("--") && eq != std::string::npos) {
            inline_value = arg.substr(eq + 1);
            arg.resize(eq);
        }
        const auto value = [&]() -> std::string {
            if (inline_value) {
                return *inline_value;
            }
            if (i + 1 >= args.size()) {
                usage_error(arg + " needs a value");
            }
            return args[++i];
        };
        const auto flag = [&](bool& target) {
            if (inline_value) {
                usage_error(arg + " takes no value");
            }
            target = true;
        };
        if (arg == "--server" || arg == "-s") {
            options.servers.push_back(value());
        } else if (arg == "--config" || arg == "-c") {
            options.config = value();
        } else if (arg == "--timeout") {
            options.timeout = parse_timeout(value());
        } else if (arg == "--token") {
            options.token = value();
        } else if (arg == "--policy") {
            options.policy = value();
        } else if (arg == "--data" || arg == "-d") {
            options.data = value();
        } else if (arg == "--idempotent") {
            flag(options.idempotent);
        } else if (arg == "--compact") {
            flag(options.compact);
        } else if (arg == "--help" || arg == "-h") {
            flag(options.help);
        } else {
            usage_error("unknown option " + arg);
        }
    }
    if (options.help) {
        return options;
    }
    check_arguments(options);
    if (options.servers.empty() == !options.config.has_value()) {
        usage_error(options.config ? "give either --server or -c, not both"
                                   : "say where to call: --server HOST:PORT or -c CLIENT.yaml");
    }
    return options;
}

std::string rpc_usage() {
    return R"(usage: parley-rpc (--server HOST:PORT | -c CLIENT.yaml) [options] COMMAND ...

commands:
  list                      the services the server hosts, one per line
  list SERVICE              the service's methods with their input and output types
  describe SYMBOL           a service, SERVICE/METHOD or message, in .proto form
  call SERVICE/METHOD [JSON]
                            calls the method with the request in protobuf's JSON mapping
                            (default {}) and prints the answer as JSON

options:
  -s, --server HOST:PORT    an RPC listener (rpc.listen); repeat for several instances
  -c, --config FILE         a client configuration whose `registry:` finds the instances
  -d, --data JSON|@-|@FILE  the request: JSON text, stdin (@-) or a file
      --timeout DURATION    how long a call may take, retries included (default 10s)
      --token TOKEN         the listener's rpc.token (default: $PARLEY_RPC_TOKEN)
      --policy NAME         random, round-robin (default), least-loaded or consistent-hash
      --idempotent          the call may run twice: retry it elsewhere when a connection drops
      --compact             print the answer on one line
  -h, --help                this text

exit status: 0 ok, 1 the call failed (stderr: error CODE NAME: message),
             2 usage, bad JSON or unknown service/method, 3 no instance could be reached
)";
}

}  // namespace parley::rpc_cli

// parley-rpc: calls the services on Parley's RPC listeners from the command line, with requests
// and answers as JSON, learning the types from the server's parley.rpc.v1.Reflection.
// docs/rpc-cli.md describes its usage and exit statuses.

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "rpc_options.hpp"
#include "tool_channel.hpp"
#include "tool_error.hpp"

namespace {

using namespace parley::rpc_cli;

/// Library logs go to stderr, warnings up: stdout carries the answer only.
void configure_logging() {
    auto logger = spdlog::stderr_color_mt("parley-rpc");
    logger->set_level(spdlog::level::warn);
    spdlog::set_default_logger(std::move(logger));
}

int run(const RpcOptions& options) {
    ToolChannel channel(options);
    if (options.command == "list") {
        run_list(channel, options, std::cout);
    } else if (options.command == "describe") {
        run_describe(channel, options, std::cout);
    } else {
        run_call(channel, options, std::cin, std::cout);
    }
    return static_cast<int>(ExitStatus::ok);
}

}  // namespace

int main(int argc, char** argv) {
    RpcOptions options;
    try {
        // NOLINTNEXTLINE(concurrency-mt-unsafe): read before any thread starts.
        const char* env_token = std::getenv("PARLEY_RPC_TOKEN");
        options = parse_rpc_options(
            {argv + 1, argv + argc},
            env_token != nullptr ? std::optional<std::string>(env_token) : std::nullopt);
    } catch (const ToolError& e) {
        std::cerr << "parley-rpc: " << e.what() << " (see parley-rpc --help)\n";
        return static_cast<int>(e.status());
    }
    if (options.help) {
        std::cout << rpc_usage();
        return static_cast<int>(ExitStatus::ok);
    }
    try {
        configure_logging();
        return run(options);
    } catch (const CallFailed& e) {
        std::cerr << "error " << static_cast<std::uint32_t>(e.code()) << ' '
                  << parley::to_string(e.code()) << ": " << e.what() << '\n';
        return static_cast<int>(e.status());
    } catch (const ToolError& e) {
        std::cerr << "parley-rpc: " << e.what() << '\n';
        return static_cast<int>(e.status());
    } catch (const std::exception& e) {
        std::cerr << "parley-rpc: " << e.what() << '\n';
        return static_cast<int>(ExitStatus::call_failed);
    }
}

#include "support/redis_server.hpp"

#include <vector>

namespace parley::test {
namespace {

ServerCommand redis_command(const TempDir& dir, const RedisServerOptions& options) {
    ServerCommand command;
    command.name = "redis-server";
    command.program = "/usr/bin/redis-server";
    command.port = free_loopback_port();
    command.args = {"--port",       std::to_string(command.port),
                    "--bind",       "127.0.0.1",
                    "--save",       "",
                    "--appendonly", options.append_only ? "yes" : "no",
                    "--dir",        dir.path().string(),
                    "--daemonize",  "no",
                    "--logfile",    ""};
    if (options.append_only) {
        command.args.emplace_back("--appendfsync");
        command.args.emplace_back("always");
    }
    if (!options.password.empty()) {
        command.args.emplace_back("--requirepass");
        command.args.push_back(options.password);
    }
    command.args.insert(command.args.end(), options.extra_args.begin(), options.extra_args.end());
    return command;
}

}  // namespace

RedisServer::RedisServer(const RedisServerOptions& options)
    : process_(redis_command(dir_, options), dir_.file("redis-server.log")) {}

const std::string& shared_redis() {
    static const std::string endpoint = [] {
        if (auto from_env = shared_server_from_env("PARLEY_TEST_REDIS")) {
            return *from_env;
        }
        // Lives until the test process exits, which stops it.
        static RedisServer server;
        return server.endpoint();
    }();
    return endpoint;
}

}  // namespace parley::test

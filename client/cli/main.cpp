// parley-cli: a terminal client for Parley, and a scriptable one for tests and demos.
// docs/terminal-client.md describes commands, the script-mode output and the configuration.

#include <chrono>
#include <iostream>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <parley/client/client.hpp>
#include <parley/client/client_config.hpp>

#include "cli_options.hpp"
#include "event_formatter.hpp"
#include "output_log.hpp"
#include "stdin_lines.hpp"
#include "terminal_session.hpp"

namespace {

using namespace parley;

/// Library logs go to stderr: in script mode stdout carries events only.
void configure_logging(const std::string& level_name) {
    const auto level = spdlog::level::from_str(level_name);
    if (level == spdlog::level::off && level_name != "off") {
        throw cli::UsageError("unknown --log-level '" + level_name +
                              "' (trace, debug, info, warn, error, off)");
    }
    auto logger = spdlog::stderr_color_mt("parley-cli");
    logger->set_level(level);
    spdlog::set_default_logger(std::move(logger));
}

/// The configuration file, if any, with the command line laid over it.
client::ClientConfig build_config(const cli::CliOptions& options) {
    client::ClientConfig config =
        options.config ? client::load_client_config(*options.config) : client::ClientConfig{};
    if (!options.servers.empty()) {
        config.servers = options.servers;
        config.registry.reset();
    } else if (!options.config) {
        config.servers = {"127.0.0.1:7400"};  // parleyd's standalone default
    }
    if (options.policy) {
        config.policy = *options.policy;
    }
    if (options.user) {
        config.options.user_id = *options.user;
    }
    if (options.token) {
        config.options.token = *options.token;
    }
    if (options.no_reconnect) {
        config.options.reconnect = false;
    }
    if (options.ca) {
        config.options.tls.ca_file = *options.ca;
    }
    if (options.certificate) {
        config.options.tls.certificate_file = *options.certificate;
    }
    if (options.key) {
        config.options.tls.key_file = *options.key;
    }
    if (options.insecure) {
        config.options.tls.verify = false;
    }
    if (!config.options.tls.verify) {
        std::cerr << "parley-cli: WARNING: TLS certificate checks are off (--insecure): anyone "
                     "between you and the server can read and change what you send\n";
    }
    if (config.options.client_name == client::ClientOptions{}.client_name) {
        config.options.client_name = "parley-cli/0.1";
    }
    if (!options.script && ::isatty(STDIN_FILENO) != 0) {
        // A node with a message log takes a client_msg_id it has seen within its dedup window
        // as a resend: an interactive client restarted minutes later must not count from 1
        // again. Script mode (or input that is not a terminal) keeps 1, 2, 3 so that its output can
        // be compared.
        const auto now = std::chrono::system_clock::now().time_since_epoch();
        config.options.first_msg_id =
            static_cast<std::uint64_t>(
                std::chrono::duration_cast<std::chrono::milliseconds>(now).count()) *
            1000;
    }
    if (config.options.user_id == kNoUser) {
        throw cli::UsageError("give a user: --user ID (or 'user:' in the configuration)");
    }
    return config;
}

}  // namespace

int main(int argc, char** argv) {
    cli::CliOptions options;
    try {
        options = cli::parse_cli_options({argv + 1, argv + argc});
        if (options.help) {
            std::cout << cli::cli_usage();
            return cli::kExitOk;
        }
        configure_logging(options.log_level);
    } catch (const cli::UsageError& e) {
        std::cerr << "parley-cli: " << e.what() << " (see parley-cli --help)\n";
        return cli::kExitUsage;
    }
    const bool script = options.script || ::isatty(STDIN_FILENO) == 0;

    asio::io_context io;  // first: destroyed last, after everything that uses it
    std::shared_ptr<client::Client> client;
    try {
        client::ClientConfig config = build_config(options);
        auto picker = client::make_server_picker(config.policy);
        auto discovery = client::make_discovery(config, io.get_executor(), "parley-cli");
        client = client::Client::create(io.get_executor(), config.options, std::move(discovery),
                                        std::move(picker));
    } catch (const std::exception& e) {
        // Bad options, configuration or plugin: all are the user's to fix, all are fatal.
        std::cerr << "parley-cli: " << e.what() << '\n';
        return cli::kExitUsage;
    }

    const auto formatter = cli::make_event_formatter(script);
    cli::OutputLog output(std::cout);
    cli::TerminalSession session(client, *formatter, output, script);
    client->set_events(session.events());
    if (!script) {
        output.print("* parley-cli: logging in as user " +
                     std::to_string(client->options().user_id) + "; /help lists the commands");
    }
    client->start();

    auto work = asio::make_work_guard(io);
    std::thread loop([&io] {
        try {
            io.run();
        } catch (const std::exception& e) {
            spdlog::error("parley-cli: event loop stopped: {}", e.what());
        }
    });
    cli::StdinLines input(STDIN_FILENO);
    const int status = session.run(input);
    session.shutdown(std::chrono::seconds{1});
    work.reset();
    io.stop();
    loop.join();
    return status;
}

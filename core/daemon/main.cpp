// parleyd: one Parley broker node.
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <parley/endpoint.hpp>
#include <parley/protobuf_log.hpp>

#include "broker.hpp"
#include "command_line.hpp"
#include "config/config_files.hpp"
#include "embedded_config.hpp"

namespace {

enum ExitCode { kOk = 0, kConfigError = 1, kPluginError = 2, kStartupError = 3 };

// Written to a temporary name and renamed, so a reader never sees half a file.
void write_ready_file(const std::filesystem::path& path,
                      const std::vector<boost::asio::ip::tcp::endpoint>& endpoints,
                      const std::optional<boost::asio::ip::tcp::endpoint>& admin,
                      const std::optional<boost::asio::ip::tcp::endpoint>& rpc) {
    const auto temporary = path.string() + ".tmp";
    {
        std::ofstream out(temporary, std::ios::trunc);
        out << "pid=" << ::getpid() << '\n';
        for (const auto& endpoint : endpoints) {
            out << "listen=" << parley::Endpoint::from(endpoint).to_string() << '\n';
        }
        if (admin) {
            out << "admin=" << parley::Endpoint::from(*admin).to_string() << '\n';
        }
        if (rpc) {
            out << "rpc=" << parley::Endpoint::from(*rpc).to_string() << '\n';
        }
    }
    std::filesystem::rename(temporary, path);
}

// Every client is a descriptor: take the hard limit the operator allows rather than the small
// default soft limit, so a busy node runs out of memory before it runs out of descriptors.
void raise_descriptor_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) {
        return;
    }
    const auto before = limit.rlim_cur;
    limit.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &limit) == 0) {
        spdlog::debug("open-file limit raised from {} to {}", before, limit.rlim_cur);
    }
}

int run(const parley::daemon::CommandLine& line) {
    using parley::daemon::kEmbeddedConfig;
    using parley::daemon::kEmbeddedConfigName;
    const auto root =
        parley::config::load_layered(line.config_files, kEmbeddedConfig, kEmbeddedConfigName);
    auto config = parley::config::parse_broker_config(root);
    spdlog::set_level(spdlog::level::from_str(line.log_level.value_or(config.log_level)));

    parley::Broker broker(std::move(config));
    if (line.check_config) {
        std::cout << "configuration OK: "
                  << (line.config_files.empty() ? std::string{kEmbeddedConfigName}
                                                : line.config_files.back().string())
                  << '\n';
        return kOk;
    }
    raise_descriptor_limit();
    broker.run([&](const auto& endpoints) {
        if (!line.ready_file.empty()) {
            write_ready_file(line.ready_file, endpoints, broker.admin_endpoint(),
                             broker.rpc_endpoint());
        }
    });
    return kOk;
}

}  // namespace

int main(int argc, char** argv) {
    // A peer that closed its end must cost a write error, not the process: backend client
    // libraries (hiredis, for one) write with write(2), which raises SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);
    spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
    // A client's bad UTF-8 would otherwise make protobuf write to stderr, unlimited.
    parley::route_protobuf_log_to_spdlog();
    parley::daemon::CommandLine line;
    try {
        line = parley::daemon::parse_command_line(argc, argv);
    } catch (const std::invalid_argument& e) {
        std::cerr << "parleyd: " << e.what() << "\n\n" << parley::daemon::usage();
        return kConfigError;
    }
    if (line.help) {
        std::cout << parley::daemon::usage();
        return kOk;
    }
    if (line.version) {
        std::cout << "parleyd " << PARLEY_VERSION << " (plugin API " << parley::kPluginApiVersion
                  << ")\n";
        return kOk;
    }
    try {
        return run(line);
    } catch (const parley::ConfigError& e) {
        std::cerr << "parleyd: configuration error: " << e.what() << '\n';
        return kConfigError;
    } catch (const parley::host::PluginError& e) {
        std::cerr << "parleyd: plugin error: " << e.what() << '\n';
        return kPluginError;
    } catch (const std::exception& e) {
        std::cerr << "parleyd: cannot start: " << e.what() << '\n';
        return kStartupError;
    }
}

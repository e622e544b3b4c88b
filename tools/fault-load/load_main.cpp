// parley-fault-load: steady chat traffic through the client library, every event logged, for
// fault-injection runs. See load_usage() and docs/reliability.md.

#include <exception>
#include <iostream>
#include <optional>
#include <stdexcept>

#include <boost/asio/io_context.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "event_log.hpp"
#include "load_options.hpp"
#include "load_run.hpp"

int main(int argc, char** argv) {
    std::optional<parley::tools::LoadOptions> options;
    try {
        options = parley::tools::parse_load_options(argc, argv);
    } catch (const std::invalid_argument& e) {
        std::cerr << "parley-fault-load: " << e.what() << '\n';
        return 2;
    }
    if (options->help) {
        std::cout << parley::tools::load_usage();
        return 0;
    }
    spdlog::set_default_logger(spdlog::stderr_color_mt("parley-fault-load"));
    try {
        parley::asio::io_context io;  // first: destroyed after the clients that use it
        parley::tools::EventLog log(options->events);
        parley::tools::LoadRun run(io, *options, log);
        return run.run();
    } catch (const std::exception& e) {
        std::cerr << "parley-fault-load: " << e.what() << '\n';
        return 1;
    }
}

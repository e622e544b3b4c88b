#include "command_line.hpp"

#include <stdexcept>
#include <string_view>

namespace parley::daemon {

std::string usage() {
    return "usage: parleyd [-c FILE]... [--check-config] [--ready-file PATH] [--log-level LEVEL]\n"
           "\n"
           "  -c, --config FILE   YAML configuration; repeat to lay overlays over a base file\n"
           "                      (later files win). Without -c, the embedded standalone\n"
           "                      configuration (config/standalone.yaml) is used.\n"
           "  --check-config      load the configuration and every plugin, report, and exit\n"
           "  --ready-file PATH   once serving, write pid=, listen=, admin= and rpc=HOST:PORT\n"
           "                      lines there\n"
           "  --log-level LEVEL   trace, debug, info, warn, error, critical or off\n"
           "  -h, --help          this text\n"
           "  --version           print the version\n"
           "\n"
           "exit status: 0 clean shutdown, 1 configuration error, 2 plugin error,\n"
           "             3 start-up failure (e.g. a port in use)\n";
}

CommandLine parse_command_line(int argc, char** argv) {
    CommandLine line;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                throw std::invalid_argument(std::string{arg} + " needs a value");
            }
            return argv[++i];
        };
        if (arg == "-c" || arg == "--config") {
            line.config_files.emplace_back(value());
        } else if (arg == "--check-config") {
            line.check_config = true;
        } else if (arg == "--ready-file") {
            line.ready_file = value();
        } else if (arg == "--log-level") {
            line.log_level = value();
        } else if (arg == "-h" || arg == "--help") {
            line.help = true;
        } else if (arg == "--version") {
            line.version = true;
        } else {
            throw std::invalid_argument("unknown argument '" + std::string{arg} + "'");
        }
    }
    return line;
}

}  // namespace parley::daemon

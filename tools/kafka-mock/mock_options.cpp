#include "mock_options.hpp"

#include <charconv>
#include <stdexcept>
#include <string_view>

namespace parley::tools {
namespace {

int parse_count(std::string_view text, std::string_view what, int max) {
    int value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc{} || ptr != end || value < 1 || value > max) {
        throw std::invalid_argument(std::string{what} + " must be a number from 1 to " +
                                    std::to_string(max) + ", not '" + std::string{text} + "'");
    }
    return value;
}

TopicSpec parse_topic(std::string_view text) {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
        throw std::invalid_argument("--topic takes NAME:PARTITIONS, not '" + std::string{text} +
                                    "'");
    }
    return TopicSpec{std::string{text.substr(0, colon)},
                     parse_count(text.substr(colon + 1), "the partition count of --topic", 10000)};
}

}  // namespace

MockOptions parse_mock_options(int argc, char** argv) {
    MockOptions options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg{argv[i]};
        auto value = [&]() -> std::string_view {
            if (i + 1 >= argc) {
                throw std::invalid_argument(std::string{arg} + " needs a value");
            }
            return argv[++i];
        };
        if (arg == "--help" || arg == "-h") {
            options.help = true;
        } else if (arg == "--brokers") {
            options.brokers = parse_count(value(), "--brokers", 64);
        } else if (arg == "--ready-file") {
            options.ready_file = std::string{value()};
        } else if (arg == "--topic") {
            options.topics.push_back(parse_topic(value()));
        } else if (arg == "--exit-with-parent") {
            options.exit_with_parent = true;
        } else {
            throw std::invalid_argument("unknown option '" + std::string{arg} + "' (see --help)");
        }
    }
    return options;
}

std::string mock_usage() {
    return R"(usage: parley-kafka-mock [options]

Runs librdkafka's mock Kafka cluster: N Kafka-protocol brokers on 127.0.0.1, on ports the
system picks. FOR TESTS AND LOCAL CLUSTERS ONLY: it keeps everything in memory, loses it all on
exit and implements only part of Kafka. Production points Parley at a real Kafka cluster.

Options:
  --brokers N              brokers to start, ids 1..N (default 3)
  --ready-file PATH        once serving, write "bootstrap=<host:port,...>" and "pid=<pid>" to
                           PATH (atomically: a temporary file renamed into place); removed on exit
  --topic NAME:PARTITIONS  create a topic before reporting ready (repeatable); other topics are
                           created on first use with 4 partitions and min(3, N) replicas
  --exit-with-parent       also exit when the process that started this one exits
  -h, --help               this text

It prints "bootstrap=<host:port,...>" on stdout once serving, then reads commands on stdin, one
per line, and answers each with one line on stdout ("ok ..." or "error ..."):
  down <broker-id|all>     the broker drops its connections and refuses new ones
  up <broker-id|all>       the broker serves again
End of input is not a reason to stop: SIGTERM or SIGINT stops it.
)";
}

}  // namespace parley::tools

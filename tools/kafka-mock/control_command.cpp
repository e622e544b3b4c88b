#include "control_command.hpp"

#include <charconv>
#include <sstream>
#include <vector>

namespace parley::tools {
namespace {

constexpr std::string_view kCommands = "commands: down <broker-id|all>, up <broker-id|all>";

std::vector<std::string> words(std::string_view line) {
    std::istringstream in{std::string{line}};
    std::vector<std::string> out;
    for (std::string word; in >> word;) {
        out.push_back(word);
    }
    return out;
}

/// -1 (every broker) for "all"; 0 when `text` is not a broker id of `cluster`.
int broker_id(const MockCluster& cluster, const std::string& text) {
    if (text == "all") {
        return -1;
    }
    int id = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, id);
    if (ec != std::errc{} || ptr != end || id < 1 || id > cluster.brokers()) {
        return 0;
    }
    return id;
}

}  // namespace

std::string run_control_command(MockCluster& cluster, std::string_view line) {
    const auto args = words(line);
    if (args.empty()) {
        return {};
    }
    const std::string command = args[0] + (args.size() > 1 ? " " + args[1] : "");
    if ((args[0] != "down" && args[0] != "up") || args.size() != 2) {
        return "error unknown command '" + std::string{line} + "'; " + std::string{kCommands};
    }
    const int id = broker_id(cluster, args[1]);
    if (id == 0) {
        return "error " + command + ": no broker '" + args[1] + "' (ids are 1.." +
               std::to_string(cluster.brokers()) + ", or all)";
    }
    const rd_kafka_resp_err_t err = cluster.set_broker_up(id, args[0] == "up");
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return "error " + command + ": " + rd_kafka_err2str(err);
    }
    return "ok " + command;
}

}  // namespace parley::tools

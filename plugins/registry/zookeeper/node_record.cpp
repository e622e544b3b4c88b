#include "node_record.hpp"

#include <charconv>
#include <cstdint>

#include <parley/endpoint.hpp>

namespace parley::plugins::zookeeper {

std::string encode_node(const NodeInfo& node) {
    std::string data = "load=" + std::to_string(node.load) + "\n";
    for (const auto& endpoint : node.endpoints) {
        data += "endpoint=" + endpoint + "\n";
    }
    return data;
}

std::optional<NodeInfo> decode_node(const std::string& id, std::string_view data,
                                    std::string& problem) {
    NodeInfo node;
    node.id = id;
    bool has_load = false;
    while (!data.empty()) {
        const std::size_t end = data.find('\n');
        std::string_view line = data.substr(0, end);
        data.remove_prefix(end == std::string_view::npos ? data.size() : end + 1);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (line.empty()) {
            continue;
        }
        const std::size_t equals = line.find('=');
        if (equals == std::string_view::npos) {
            problem = "line '" + std::string{line} + "' is not key=value";
            return std::nullopt;
        }
        const std::string_view key = line.substr(0, equals);
        const std::string_view value = line.substr(equals + 1);
        if (key == "load") {
            std::uint32_t load = 0;
            const auto [rest, error] =
                std::from_chars(value.data(), value.data() + value.size(), load);
            if (error != std::errc{} || rest != value.data() + value.size()) {
                problem = "load '" + std::string{value} + "' is not a number 0-4294967295";
                return std::nullopt;
            }
            node.load = load;
            has_load = true;
        } else if (key == "endpoint") {
            if (const std::string bad = endpoint_problem(value); !bad.empty()) {
                problem = "bad endpoint '" + std::string{value} + "': " + bad;
                return std::nullopt;
            }
            node.endpoints.emplace_back(value);
        }
    }
    if (!has_load) {
        problem = "no load= line";
        return std::nullopt;
    }
    return node;
}

std::string node_id_problem(const std::string& id) {
    if (id.empty()) {
        return "it is empty";
    }
    if (id == "." || id == "..") {
        return "'.' and '..' cannot name a znode";
    }
    for (const char c : id) {
        if (c == '/') {
            return "it contains '/'";
        }
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            return "it contains a control character";
        }
    }
    return {};
}

bool same_nodes(const std::vector<NodeInfo>& a, const std::vector<NodeInfo>& b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].id != b[i].id || a[i].endpoints != b[i].endpoints || a[i].load != b[i].load) {
            return false;
        }
    }
    return true;
}

}  // namespace parley::plugins::zookeeper

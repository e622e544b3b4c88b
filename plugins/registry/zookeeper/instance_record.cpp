#include "instance_record.hpp"

#include <charconv>
#include <cstdint>

#include <parley/endpoint.hpp>

namespace parley::plugins::zookeeper {

namespace {

constexpr std::string_view kMetaPrefix = "meta.";

bool has_line_break(const std::string& text) {
    return text.find_first_of("\r\n") != std::string::npos;
}

}  // namespace

std::string encode_instance(const ServiceInstance& instance) {
    std::string data = "load=" + std::to_string(instance.load) + "\n";
    for (const auto& endpoint : instance.endpoints) {
        data += "endpoint=" + endpoint + "\n";
    }
    for (const auto& [key, value] : instance.metadata) {
        if (!has_line_break(key) && !has_line_break(value) && key.find('=') == std::string::npos) {
            data += std::string(kMetaPrefix) + key + "=" + value + "\n";
        }
    }
    return data;
}

std::optional<ServiceInstance> decode_instance(const std::string& service, const std::string& id,
                                               std::string_view data, std::string& problem) {
    ServiceInstance instance;
    instance.service = service;
    instance.id = id;
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
            instance.load = load;
            has_load = true;
        } else if (key == "endpoint") {
            if (const std::string bad = service_endpoint_problem(value); !bad.empty()) {
                problem = "bad endpoint '" + std::string{value} + "': " + bad;
                return std::nullopt;
            }
            instance.endpoints.push_back(parse_service_endpoint(value).to_string());
        } else if (key.starts_with(kMetaPrefix)) {
            instance.metadata[std::string{key.substr(kMetaPrefix.size())}] = std::string{value};
        }
    }
    if (!has_load) {
        problem = "no load= line";
        return std::nullopt;
    }
    return instance;
}

std::string znode_name_problem(const std::string& name) {
    if (name.empty()) {
        return "it is empty";
    }
    if (name == "." || name == "..") {
        return "'.' and '..' cannot name a znode";
    }
    for (const char c : name) {
        if (c == '/') {
            return "it contains '/'";
        }
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            return "it contains a control character";
        }
    }
    return {};
}

}  // namespace parley::plugins::zookeeper

#include "zookeeper_settings.hpp"

#include <string_view>

#include <parley/endpoint.hpp>

namespace parley::plugins::zookeeper {

namespace {

using std::chrono::milliseconds;

constexpr milliseconds kOneHour{3600 * 1000};

}  // namespace

std::string ZookeeperSettings::services_path() const {
    return (root == "/" ? "" : root) + "/services";
}

std::string ZookeeperSettings::service_path(const std::string& service) const {
    return services_path() + "/" + service;
}

std::string znode_path_problem(const std::string& path) {
    if (path.empty() || path.front() != '/') {
        return "a znode path starts with '/'";
    }
    if (path == "/") {
        return {};
    }
    if (path.back() == '/') {
        return "a znode path does not end with '/'";
    }
    std::size_t start = 1;
    while (start <= path.size()) {
        const std::size_t end = std::min(path.find('/', start), path.size());
        const std::string_view part = std::string_view{path}.substr(start, end - start);
        if (part.empty()) {
            return "a znode path has no empty parts ('//')";
        }
        if (part == "." || part == "..") {
            return "a znode path has no '.' or '..' parts";
        }
        for (const char c : part) {
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
                return "a znode path has no control characters";
            }
        }
        start = end + 1;
    }
    return {};
}

std::string connect_string_problem(const std::string& connect) {
    const std::size_t slash = connect.find('/');
    const std::string hosts = connect.substr(0, slash);
    if (hosts.empty()) {
        return "no server; write \"host:port[,host:port...]\"";
    }
    if (slash != std::string::npos) {
        const std::string chroot = connect.substr(slash);
        if (const std::string problem = znode_path_problem(chroot); !problem.empty()) {
            return "bad chroot '" + chroot + "': " + problem;
        }
    }
    std::size_t start = 0;
    while (start <= hosts.size()) {
        const std::size_t end = std::min(hosts.find(',', start), hosts.size());
        const std::string server = hosts.substr(start, end - start);
        if (const std::string problem = endpoint_problem(server); !problem.empty()) {
            std::string message = "bad server '" + server + "': ";
            message += problem;
            return message;
        }
        start = end + 1;
    }
    return {};
}

ZookeeperSettings read_settings(SettingsReader& reader) {
    ZookeeperSettings settings;
    const ConfigNode& connect = reader.require("connect");
    settings.connect = connect.as_string();
    if (const std::string problem = connect_string_problem(settings.connect); !problem.empty()) {
        connect.fail("bad ZooKeeper connect string '" + settings.connect + "': " + problem);
    }

    settings.root = reader.get_string("root", settings.root);
    if (const std::string problem = znode_path_problem(settings.root); !problem.empty()) {
        reader.find("root")->fail("bad root '" + settings.root + "': " + problem);
    }

    settings.session_timeout = reader.get_duration("session_timeout", settings.session_timeout,
                                                   milliseconds{100}, kOneHour);
    settings.connect_timeout =
        reader.get_duration("connect_timeout", settings.connect_timeout, milliseconds{1}, kOneHour);
    settings.load_interval =
        reader.get_duration("load_interval", settings.load_interval, milliseconds{0}, kOneHour);
    return settings;
}

}  // namespace parley::plugins::zookeeper

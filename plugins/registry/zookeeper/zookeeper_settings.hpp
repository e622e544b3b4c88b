#pragma once

#include <chrono>
#include <string>

#include <parley/config_node.hpp>

namespace parley::plugins::zookeeper {

/// registry-zookeeper's settings, validated. docs/plugins/registry-zookeeper.md describes each.
struct ZookeeperSettings {
    /// "host:port[,host:port...][/chroot]", as the ZooKeeper client takes it.
    std::string connect;
    /// The znode under which this registry keeps its services
    /// (<root>/services/<service>/<instance-id>).
    std::string root = "/parley";
    std::chrono::milliseconds session_timeout{10000};
    /// How long announce, nodes and withdraw wait for a connection before failing with 2000.
    std::chrono::milliseconds connect_timeout{5000};
    /// The least time between two writes of this node's load.
    std::chrono::milliseconds load_interval{1000};

    /// <root>/services
    std::string services_path() const;
    /// <root>/services/<service>
    std::string service_path(const std::string& service) const;
};

/// Reads and validates the settings; throws ConfigError naming the file, line and column.
ZookeeperSettings read_settings(SettingsReader& reader);

/// What is wrong with `connect` as a ZooKeeper connect string, or "" when nothing is.
std::string connect_string_problem(const std::string& connect);

/// What is wrong with `path` as an absolute znode path, or "" when nothing is.
std::string znode_path_problem(const std::string& path);

}  // namespace parley::plugins::zookeeper

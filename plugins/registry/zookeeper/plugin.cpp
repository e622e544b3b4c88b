// registry-zookeeper: service instances announce themselves as ephemeral znodes in ZooKeeper
// (<root>/services/<service>/<id>); daemons and clients list and watch them. Settings:
//
//     connect: "10.0.0.1:2181,10.0.0.2:2181"
//     root: /parley
//     session_timeout: 10s
//     connect_timeout: 5s
//     load_interval: 1s
//
// docs/plugins/registry-zookeeper.md describes every key.

#include <memory>

#include <parley/plugin.hpp>

#include "zookeeper_log.hpp"
#include "zookeeper_registry.hpp"
#include "zookeeper_settings.hpp"

namespace {

void setup(parley::PluginHost& host, const parley::ConfigNode& settings) {
    parley::SettingsReader reader(settings, "registry-zookeeper settings");
    auto parsed = parley::plugins::zookeeper::read_settings(reader);
    reader.finish();
    parley::plugins::zookeeper::set_client_log_level();
    host.add(std::make_shared<parley::plugins::zookeeper::ZookeeperRegistry>(std::move(parsed)));
}

}  // namespace

PARLEY_PLUGIN("registry", "zookeeper",
              "service instances announced as ephemeral znodes in ZooKeeper", setup)

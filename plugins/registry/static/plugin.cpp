// registry-static: the instances of each service are listed in the configuration. Settings:
//
//     services:
//       parley.im:
//         - {id: node-a, endpoints: ["tcp://10.0.0.1:7000"], load: 0}
//
// docs/plugins/registry-static.md describes every key.

#include <memory>

#include <parley/plugin.hpp>

#include "static_registry.hpp"
#include "static_settings.hpp"

namespace {

void setup(parley::PluginHost& host, const parley::ConfigNode& settings) {
    parley::SettingsReader reader(settings, "registry-static settings");
    auto services = parley::plugins::static_registry::read_services(reader);
    reader.finish();
    host.add(
        std::make_shared<parley::plugins::static_registry::StaticRegistry>(std::move(services)));
}

}  // namespace

PARLEY_PLUGIN("registry", "static", "service instances listed in the configuration", setup)

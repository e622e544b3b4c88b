// transport-local: the in-process transport of a standalone node. It takes no settings.

#include <memory>

#include <parley/plugin.hpp>

#include "local_transport.hpp"

namespace {

void setup(parley::PluginHost& host, const parley::ConfigNode& settings) {
    parley::SettingsReader reader(settings, "transport-local settings");
    reader.finish();
    host.add(std::make_shared<parley::plugins::local::LocalTransport>());
}

}  // namespace

PARLEY_PLUGIN("transport", "local", "in-process transport for a single node", setup)

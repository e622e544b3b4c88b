#include <parley/plugin.hpp>
#include <parley/rpc.hpp>

#include "echo_service.hpp"

namespace {

void setup(parley::PluginHost& host, const parley::ConfigNode& settings) {
    parley::SettingsReader reader(settings, "echo settings");
    reader.finish();  // no settings yet: a typo is an error, not ignored
    host.add(parley::rpc_service(
        std::make_shared<parley::echo::EchoService>(host.executor(), host.node_id())));
}

}  // namespace

PARLEY_PLUGIN("service", "echo", "parley.echo.v1.Echo: echoes text, late or failing on request",
              setup)

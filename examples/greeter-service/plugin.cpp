// service-greeter: acme.greeter.v1.Greeter. Settings: `word` (default "Hello").
//
//     services:
//       - {plugin: greeter, settings: {word: "Good morning"}}

#include <memory>

#include <parley/plugin.hpp>
#include <parley/rpc.hpp>

#include "greeter_service.hpp"

namespace {

void setup(parley::PluginHost& host, const parley::ConfigNode& settings) {
    parley::SettingsReader reader(settings, "service-greeter settings");
    const std::string word = reader.get_string("word", "Hello");
    reader.finish();
    host.add(parley::rpc_service(std::make_shared<acme::GreeterService>(word)));
}

}  // namespace

PARLEY_PLUGIN("service", "greeter", "acme.greeter.v1.Greeter: greets by name", setup)

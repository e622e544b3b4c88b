// A plugin built for an API version this host does not speak: it must be refused before its
// setup runs.
#include <cstdlib>

#include <parley/plugin.hpp>

namespace {

void setup(parley::PluginHost&, const parley::ConfigNode&) {
    std::abort();  // never called: the version check comes first
}

const parley::PluginDescriptor descriptor{parley::kPluginApiVersion + 1000, "handler", "future-api",
                                          "built for a newer host", setup};

const parley::PluginDescriptor* entry() {
    return &descriptor;
}

}  // namespace

BOOST_DLL_ALIAS(entry, parley_plugin_entry)

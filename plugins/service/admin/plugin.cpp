// service-admin: parley.admin.v1.Admin, the IM cluster's administration over RPC and the HTTP
// API (docs/admin-service.md). It takes no settings.

#include <memory>

#include <parley/plugin.hpp>
#include <parley/rpc.hpp>

#include "admin_service.hpp"

namespace {

void setup(parley::PluginHost& host, const parley::ConfigNode& settings) {
    parley::SettingsReader reader(settings, "service-admin settings");
    reader.finish();
    parley::Node* node = host.node();
    if (node == nullptr) {
        throw parley::ConfigError(settings.location(),
                                  "the admin service runs in parleyd only, not in a client");
    }
    host.add(
        parley::rpc_service(std::make_shared<parley::admin::AdminService>(host.executor(), *node)));
}

}  // namespace

PARLEY_PLUGIN("service", "admin",
              "parley.admin.v1.Admin: who is online, kick, push system messages, group members",
              setup)

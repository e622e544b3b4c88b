// store-redis: session records, the online list and group membership in Redis, shared by every
// node of a cluster. docs/plugins/store-redis.md describes the settings and the behaviour.

#include <memory>

#include <parley/plugin.hpp>

#include "redis_settings.hpp"
#include "redis_store.hpp"

namespace {

void setup(parley::PluginHost& host, const parley::ConfigNode& settings) {
    auto parsed = parley::plugins::redis::read_redis_settings(settings);
    host.add(std::make_shared<parley::plugins::redis::RedisStore>(
        host.executor(), std::move(parsed), host.node_id()));
}

}  // namespace

PARLEY_PLUGIN("store", "redis", "sessions, online list and groups in Redis, for a cluster", setup)

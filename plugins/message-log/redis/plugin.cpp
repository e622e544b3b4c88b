// message-log-redis: the message log of a cluster, in the Redis every node shares.
// docs/plugins/message-log-redis.md describes the settings and the behaviour.

#include <memory>

#include <parley/plugin.hpp>

#include "redis_log.hpp"
#include "redis_log_settings.hpp"

namespace {

void setup(parley::PluginHost& host, const parley::ConfigNode& settings) {
    auto parsed = parley::plugins::message_log_redis::read_redis_log_settings(settings);
    host.add(std::make_shared<parley::plugins::message_log_redis::RedisLog>(host.executor(),
                                                                            std::move(parsed)));
}

}  // namespace

PARLEY_PLUGIN("message-log", "redis", "message log in Redis, shared by every node of a cluster",
              setup)

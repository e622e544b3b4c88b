#include "durability_check.hpp"

#include <utility>

#include <spdlog/spdlog.h>

namespace parley::plugins::message_log_redis {

namespace {

using redis::PendingCommand;
using redis::RedisCommand;
using redis::RedisReply;

/// The answers, filled on the pool's strand one by one.
struct Answers {
    RedisDurability durability;
    int left = 3;
    std::string address;
};

void report(const Answers& answers) {
    if (!answers.durability.unreadable.empty()) {
        spdlog::warn(
            "message-log-redis: cannot check how durable Redis at {} is ({}); a message is safe "
            "once ACKed only with `appendonly yes` and `appendfsync always`, and only with "
            "`maxmemory-policy noeviction` is none dropped before retention drops it",
            answers.address, answers.durability.unreadable);
        return;
    }
    for (const std::string& problem : answers.durability.problems()) {
        spdlog::warn("message-log-redis: Redis at {}: {}", answers.address, problem);
    }
}

void receive(Answers& answers, std::optional<std::string>& slot, const std::exception_ptr& error,
             const RedisReply& reply) {
    if (error) {
        answers.durability.unreadable = "no answer";
    } else if (reply.is_error()) {
        answers.durability.unreadable = reply.text;
    } else if (reply.type == RedisReply::Type::array && reply.elements.size() == 2) {
        slot = reply.elements[1].text;
    }
    if (--answers.left == 0) {
        report(answers);
    }
}

}  // namespace

std::vector<std::string> RedisDurability::problems() const {
    std::vector<std::string> found;
    if (appendonly && *appendonly != "yes") {
        found.push_back(
            "appendonly is '" + *appendonly +
            "': a restart loses every message, and clients see a new epoch; set `appendonly yes` "
            "and `appendfsync always` for messages to survive once ACKed");
    } else if (appendfsync && *appendfsync != "always") {
        found.push_back("appendfsync is '" + *appendfsync +
                        "': a crash of Redis or its machine can lose messages already ACKed (up "
                        "to a second's worth under everysec); set `appendfsync always`");
    }
    if (maxmemory_policy && *maxmemory_policy != "noeviction") {
        found.push_back("maxmemory-policy is '" + *maxmemory_policy +
                        "': under memory pressure Redis may evict messages and sequence counters "
                        "without a new epoch; set `maxmemory-policy noeviction`");
    }
    return found;
}

void check_durability(const std::shared_ptr<redis::RedisPool>& pool) {
    auto answers = std::make_shared<Answers>();
    answers->address = pool->address();
    std::vector<PendingCommand> commands;
    const auto ask = [&](const char* name, std::optional<std::string> RedisDurability::*slot) {
        RedisCommand command;
        command.args = {"CONFIG", "GET", name};
        commands.push_back(PendingCommand{
            std::move(command),
            [answers, slot](const std::exception_ptr& error, const RedisReply& reply) {
                receive(*answers, answers->durability.*slot, error, reply);
            }});
    };
    ask("appendonly", &RedisDurability::appendonly);
    ask("appendfsync", &RedisDurability::appendfsync);
    ask("maxmemory-policy", &RedisDurability::maxmemory_policy);
    pool->send_batch(std::move(commands));
}

}  // namespace parley::plugins::message_log_redis

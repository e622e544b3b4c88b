#include "session_invalidations.hpp"

#include <charconv>
#include <mutex>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

namespace parley::plugins::redis {

namespace {

/// The user a session key names, or nothing for a key that is not one.
std::optional<UserId> user_of(std::string_view key, std::string_view prefix) {
    if (!key.starts_with(prefix)) {
        return std::nullopt;
    }
    key.remove_prefix(prefix.size());
    UserId user = 0;
    const auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), user);
    if (error != std::errc{} || end != key.data() + key.size()) {
        return std::nullopt;
    }
    return user;
}

constexpr int kMostUnconfirmed = 3;

}  // namespace

SessionInvalidations::SessionInvalidations(const asio::any_io_executor& executor,
                                           RedisClientSettings settings, std::string session_prefix,
                                           std::shared_ptr<LocateCache> cache)
    : lock_(std::make_shared<StrandLock>(executor)),
      settings_(std::move(settings)),
      prefix_(std::move(session_prefix)),
      cache_(std::move(cache)),
      connection_(std::make_shared<RedisConnection>(lock_, settings_, no_scripts_,
                                                    static_cast<ConnectionEvents&>(*this))) {}

SessionInvalidations::~SessionInvalidations() {
    shutdown();
}

void SessionInvalidations::start() {
    asio::post(lock_->strand, [self = shared_from_this()] {
        const std::lock_guard lock(self->lock_->mutex);
        if (!self->closed_) {
            self->connection_->start();
        }
    });
}

void SessionInvalidations::shutdown() {
    const std::lock_guard lock(lock_->mutex);
    if (std::exchange(closed_, true)) {
        return;
    }
    connection_->close();
    cache_->disable();
}

void SessionInvalidations::connection_ready(RedisConnection& connection) {
    RedisCommand id;
    id.args = {"CLIENT", "ID"};
    connection.send(std::move(id),
                    [this](const std::exception_ptr& error, const RedisReply& reply) {
                        if (error || closed_) {
                            return;  // the connection went: it is tried again, and so is this
                        }
                        if (const auto client = reply.as_unsigned(); client && !reply.is_error()) {
                            track(*client);
                        } else {
                            refused("CLIENT ID", reply);
                        }
                    });
}

void SessionInvalidations::track(std::uint64_t client_id) {
    RedisCommand tracking;
    tracking.args = {"CLIENT", "TRACKING", "on",   "REDIRECT", std::to_string(client_id),
                     "BCAST",  "PREFIX",   prefix_};
    connection_->send(std::move(tracking),
                      [this](const std::exception_ptr& error, const RedisReply& reply) {
                          if (error || closed_) {
                              return;
                          }
                          if (reply.is_error()) {
                              refused("CLIENT TRACKING", reply);
                              return;
                          }
                          subscribe();
                      });
}

void SessionInvalidations::subscribe() {
    awaiting_confirmation_ = true;
    if (!connection_->subscribe(kChannel,
                                [this](const RedisReply& message) { on_message(message); })) {
        connection_->drop("could not subscribe to " + std::string{kChannel});
    }
}

void SessionInvalidations::on_message(const RedisReply& message) {
    if (closed_ || message.type != RedisReply::Type::array || message.elements.size() < 3) {
        return;
    }
    const std::string& kind = message.elements[0].text;
    const RedisReply& payload = message.elements[2];
    if (kind == "subscribe") {
        // Every change from now on is reported: lookups that begin now may be kept.
        awaiting_confirmation_ = false;
        unconfirmed_ = 0;
        cache_->enable();
        spdlog::debug("store-redis: caching user locations, invalidated by Redis at {}",
                      settings_.address.to_string());
        return;
    }
    if (kind != "message") {
        return;
    }
    if (payload.type != RedisReply::Type::array) {
        cache_->clear();  // nil: the database was flushed
        return;
    }
    std::vector<UserId> users;
    users.reserve(payload.elements.size());
    for (const RedisReply& key : payload.elements) {
        const auto user = user_of(key.text, prefix_);
        if (!user) {
            cache_->clear();  // a report this code does not understand: assume the worst
            return;
        }
        users.push_back(*user);
    }
    cache_->invalidate(users);
}

void SessionInvalidations::connection_down(RedisConnection& /*connection*/,
                                           const std::string& reason, bool /*unresponsive*/) {
    cache_->disable();
    if (std::exchange(awaiting_confirmation_, false) && ++unconfirmed_ >= kMostUnconfirmed) {
        give_up("the subscription to " + std::string{kChannel} + " ended unconfirmed " +
                std::to_string(unconfirmed_) + " times in a row: " + reason);
        return;
    }
    spdlog::debug("store-redis: not caching user locations until Redis reports changes again: {}",
                  reason);
}

void SessionInvalidations::refused(const char* command, const RedisReply& reply) {
    // A server busy loading its data or running a script is asked again, after a reconnect;
    // a refusal that will not change (no such command before Redis 6, an ACL) ends the trying.
    const std::string_view kind = reply.error_kind();
    if (kind == "LOADING" || kind == "BUSY" || kind == "MASTERDOWN") {
        connection_->drop(std::string{command} + " answered '" + reply.text + "'");
        return;
    }
    give_up(std::string{"it refused "} + command + " (" + reply.text + ")");
}

void SessionInvalidations::give_up(const std::string& why) {
    spdlog::warn(
        "store-redis: Redis at {} cannot report changes to session records ({}); every "
        "lookup of a user goes to Redis (this needs Redis 6 or later and the CLIENT "
        "command)",
        settings_.address.to_string(), why);
    closed_ = true;
    connection_->close();
    cache_->disable();
}

}  // namespace parley::plugins::redis

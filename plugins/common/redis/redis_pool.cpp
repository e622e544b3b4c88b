#include "redis_pool.hpp"

#include <algorithm>
#include <mutex>
#include <utility>

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <parley/error.hpp>
#include <parley/foreign_completion.hpp>

namespace parley::plugins::redis {

RedisPool::RedisPool(const asio::any_io_executor& executor, RedisClientSettings settings,
                     std::vector<const RedisScript*> scripts)
    : lock_(std::make_shared<StrandLock>(executor)),
      settings_(std::move(settings)),
      address_(settings_.address.to_string()),
      scripts_(std::move(scripts)) {
    connections_.reserve(settings_.pool_size);
    for (std::size_t i = 0; i < settings_.pool_size; ++i) {
        connections_.push_back(std::make_shared<RedisConnection>(
            lock_, settings_, scripts_, static_cast<ConnectionEvents&>(*this)));
    }
}

RedisPool::~RedisPool() {
    shutdown();
}

void RedisPool::start() {
    asio::post(lock_->strand, [self = shared_from_this()] {
        const std::lock_guard lock(self->lock_->mutex);
        if (self->closed_) {
            return;
        }
        for (const auto& connection : self->connections_) {
            connection->start();
        }
    });
}

void RedisPool::shutdown() {
    const std::lock_guard lock(lock_->mutex);
    if (closed_.exchange(true)) {
        return;
    }
    for (const auto& connection : connections_) {
        connection->close();
    }
}

asio::awaitable<RedisReply> RedisPool::call(RedisCommand command) {
    // The reply arrives on the strand; the caller resumes on its own executor.
    return await_foreign<RedisReply>([self = shared_from_this(), command = std::move(command)](
                                         const Completer<RedisReply>& done) mutable {
        std::vector<PendingCommand> one;
        one.push_back(
            PendingCommand{std::move(command), [done](std::exception_ptr error, RedisReply reply) {
                               if (error) {
                                   done.set_exception(std::move(error));
                               } else {
                                   done.set_value(std::move(reply));
                               }
                           }});
        self->send_batch(std::move(one));
    });
}

asio::awaitable<std::vector<RedisReply>> RedisPool::call_all(std::vector<RedisCommand> commands) {
    // Filled on the strand, one slot per command; the last reply completes the wait.
    struct Batch {
        std::vector<RedisReply> replies;
        std::size_t left = 0;
    };
    return await_foreign<std::vector<RedisReply>>(
        [self = shared_from_this(),
         commands = std::move(commands)](const Completer<std::vector<RedisReply>>& done) mutable {
            auto batch = std::make_shared<Batch>();
            batch->replies.resize(commands.size());
            batch->left = commands.size();
            if (commands.empty()) {
                done.set_value({});
                return;
            }
            std::vector<PendingCommand> pending;
            pending.reserve(commands.size());
            for (std::size_t i = 0; i < commands.size(); ++i) {
                pending.push_back(PendingCommand{
                    std::move(commands[i]),
                    [done, batch, i](std::exception_ptr error, RedisReply reply) {
                        if (error) {
                            done.set_exception(std::move(error));  // the first failure wins
                            return;
                        }
                        batch->replies[i] = std::move(reply);
                        if (--batch->left == 0) {
                            done.set_value(std::move(batch->replies));
                        }
                    }});
            }
            self->send_batch(std::move(pending));
        });
}

void RedisPool::send_batch(std::vector<PendingCommand> commands) {
    asio::post(lock_->strand,
               [self = shared_from_this(), commands = std::move(commands)]() mutable {
                   const std::lock_guard lock(self->lock_->mutex);
                   RedisConnection* connection = self->closed_ ? nullptr : self->pick();
                   for (auto& pending : commands) {
                       if (connection == nullptr) {
                           pending.done(self->unavailable(), {});
                       } else {
                           connection->send(std::move(pending.command), std::move(pending.done));
                       }
                   }
               });
}

RedisConnection* RedisPool::pick() {
    const std::size_t count = connections_.size();
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t index = (next_ + i) % count;
        if (connections_[index]->state() == RedisConnection::State::ready) {
            next_ = (index + 1) % count;
            return connections_[index].get();
        }
    }
    // Nothing ready: wait only for a first attempt still under way, and only while no
    // connection has failed yet; once one has, Redis is known to be down.
    if (outage_) {
        return nullptr;
    }
    for (const auto& connection : connections_) {
        if (connection->state() == RedisConnection::State::starting) {
            return connection.get();
        }
    }
    return nullptr;
}

std::exception_ptr RedisPool::unavailable() const {
    if (closed_) {
        return std::make_exception_ptr(
            Error(ErrorCode::backend_unavailable,
                  settings_.owner + " for Redis at " + address_ + " is shutting down"));
    }
    return std::make_exception_ptr(
        Error(ErrorCode::backend_unavailable, "Redis at " + address_ +
                                                  " is unavailable: " + last_reason_ + "; " +
                                                  settings_.owner + " keeps reconnecting"));
}

void RedisPool::connection_ready(RedisConnection& /*connection*/) {
    const bool all_ready = std::all_of(connections_.begin(), connections_.end(), [](const auto& c) {
        return c->state() == RedisConnection::State::ready;
    });
    if (all_ready && outage_) {
        outage_ = false;
        const auto seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - outage_since_).count();
        spdlog::info("{}: Redis at {} is back after {:.1f} s", settings_.owner, address_, seconds);
    } else if (all_ready && !announced_) {
        spdlog::info("{}: connected to Redis at {} (database {}, {} connections)", settings_.owner,
                     address_, settings_.database, connections_.size());
    }
    announced_ = announced_ || all_ready;
    if (ready_hook_) {
        ready_hook_();
    }
}

void RedisPool::connection_down(RedisConnection& connection, const std::string& reason,
                                bool unresponsive) {
    last_reason_ = reason;
    if (unresponsive) {
        for (const auto& other : connections_) {
            if (other.get() != &connection) {
                other->drop(reason);
            }
        }
    }
    if (outage_) {
        return;  // one message per outage, not one per retry
    }
    outage_ = true;
    outage_since_ = std::chrono::steady_clock::now();
    spdlog::warn(
        "{}: Redis at {} is unavailable: {}; its calls fail with 2000 until it is back, "
        "reconnecting in the background",
        settings_.owner, address_, reason);
}

}  // namespace parley::plugins::redis

#include "session_refresher.hpp"

#include <utility>
#include <vector>

#include <boost/asio/post.hpp>

#include "session_scripts.hpp"

namespace parley::plugins::redis {

SessionRefresher::SessionRefresher(std::shared_ptr<RedisPool> pool,
                                   const asio::any_io_executor& executor, SessionKeys keys,
                                   std::string node_id, std::chrono::milliseconds ttl)
    : pool_(std::move(pool)),
      keys_(std::move(keys)),
      node_id_(std::move(node_id)),
      ttl_(ttl),
      timer_(executor) {}

void SessionRefresher::start() {
    const std::lock_guard lock(mutex_);
    arm_timer();
}

void SessionRefresher::stop() {
    const std::lock_guard lock(mutex_);
    stopped_ = true;
    timer_.cancel();
}

void SessionRefresher::hold(UserId user, std::uint64_t epoch) {
    const std::lock_guard lock(mutex_);
    held_.insert(Held{user, epoch});
}

void SessionRefresher::drop(UserId user, std::uint64_t epoch) {
    const std::lock_guard lock(mutex_);
    held_.erase(Held{user, epoch});
}

void SessionRefresher::refresh_soon() {
    asio::post(timer_.get_executor(), [self = shared_from_this()] { self->refresh(); });
}

void SessionRefresher::arm_timer() {
    if (stopped_) {
        return;
    }
    timer_.expires_after(ttl_ / 3);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
        if (error) {
            return;
        }
        {
            const std::lock_guard lock(self->mutex_);
            self->arm_timer();
        }
        self->refresh();
    });
}

void SessionRefresher::refresh() {
    std::vector<PendingCommand> batch;
    {
        const std::lock_guard lock(mutex_);
        if (stopped_ || held_.empty()) {
            return;
        }
        RedisCommand command;
        for (const Held& held : held_) {
            if (command.args.empty()) {
                command.script = &scripts::refresh();
                command.key_count = 2;
                command.args = {keys_.online(), keys_.deadlines(), keys_.session_prefix(), node_id_,
                                std::to_string(ttl_.count())};
            }
            command.args.push_back(std::to_string(held.user));
            command.args.push_back(std::to_string(held.epoch));
            if ((command.args.size() - 5) / 2 == kRecordsPerScript) {
                batch.push_back(PendingCommand{std::exchange(command, {}), {}});
            }
        }
        if (!command.args.empty()) {
            batch.push_back(PendingCommand{std::move(command), {}});
        }
    }
    // A failed refresh needs no word: the pool has logged the outage, and the next tick (or
    // the reconnection) tries again well within the TTL.
    for (auto& pending : batch) {
        pending.done = [weak = weak_from_this()](const std::exception_ptr& error,
                                                 const RedisReply& reply) {
            if (const auto self = weak.lock(); self && !error) {
                self->forget_lost(reply);
            }
        };
    }
    pool_->send_batch(std::move(batch));
}

void SessionRefresher::forget_lost(const RedisReply& lost) {
    if (lost.type != RedisReply::Type::array) {
        return;
    }
    const std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i + 1 < lost.elements.size(); i += 2) {
        const auto user = lost.elements[i].as_unsigned();
        const auto epoch = lost.elements[i + 1].as_unsigned();
        if (user && epoch) {
            held_.erase(Held{static_cast<UserId>(*user), *epoch});
        }
    }
}

}  // namespace parley::plugins::redis

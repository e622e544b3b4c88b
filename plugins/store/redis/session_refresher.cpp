#include "session_refresher.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

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
    asio::post(timer_.get_executor(), [self = shared_from_this()] { self->refresh_all(); });
}

void SessionRefresher::arm_timer() {
    if (stopped_) {
        return;
    }
    // From when the last tick was due, not from now: ten ticks a round must not add up their
    // lateness. One that is behind fires at once, and the next is a whole period after it.
    const auto now = asio::steady_timer::clock_type::now();
    const auto due = timer_.expiry() + tick();
    timer_.expires_at(due > now ? due : now);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
        if (error) {
            return;
        }
        bool retry_all = false;
        {
            const std::lock_guard lock(self->mutex_);
            self->arm_timer();
            retry_all = std::exchange(self->retry_all_, false);
        }
        if (retry_all) {
            self->refresh_all();
        } else {
            self->refresh_slice();
        }
    });
}

void SessionRefresher::refresh_slice() {
    std::vector<PendingCommand> batch;
    {
        const std::lock_guard lock(mutex_);
        if (stopped_) {
            return;
        }
        if (slices_sent_ == 0) {
            round_size_ = held_.size();
            cursor_.reset();
        }
        const bool last_slice = ++slices_sent_ == kSlicesPerRound;
        // Users who arrived since the round began are shared out too, not left to its last
        // slice.
        const std::size_t count =
            last_slice
                ? held_.size()
                : (std::max(round_size_, held_.size()) + kSlicesPerRound - 1) / kSlicesPerRound;
        const auto from = cursor_ ? held_.upper_bound(*cursor_) : held_.begin();
        batch = scripts_for(from, count, cursor_);
        if (last_slice) {
            slices_sent_ = 0;
        }
    }
    send(std::move(batch));
}

void SessionRefresher::refresh_all() {
    std::vector<PendingCommand> batch;
    {
        const std::lock_guard lock(mutex_);
        if (stopped_) {
            return;
        }
        std::optional<Held> last;
        batch = scripts_for(held_.begin(), held_.size(), last);
    }
    send(std::move(batch));
}

std::vector<PendingCommand> SessionRefresher::scripts_for(HeldSet::const_iterator from,
                                                          std::size_t count,
                                                          std::optional<Held>& last) const {
    std::vector<PendingCommand> batch;
    RedisCommand command;
    for (; from != held_.end() && count > 0; ++from, --count) {
        if (command.args.empty()) {
            command.script = &scripts::refresh();
            command.key_count = 2;
            command.args = {keys_.online(), keys_.deadlines(), keys_.session_prefix(), node_id_,
                            std::to_string(ttl_.count())};
        }
        command.args.push_back(std::to_string(from->user));
        command.args.push_back(std::to_string(from->epoch));
        last = *from;
        if ((command.args.size() - 5) / 2 == kRecordsPerScript) {
            batch.push_back(PendingCommand{std::exchange(command, {}), {}});
        }
    }
    if (!command.args.empty()) {
        batch.push_back(PendingCommand{std::move(command), {}});
    }
    return batch;
}

void SessionRefresher::send(std::vector<PendingCommand> batch) {
    if (batch.empty()) {
        return;
    }
    for (auto& pending : batch) {
        pending.done = [weak = weak_from_this()](const std::exception_ptr& error,
                                                 const RedisReply& reply) {
            const auto self = weak.lock();
            if (!self) {
                return;
            }
            if (error || reply.is_error()) {
                self->refresh_failed(reply);
                return;
            }
            self->refresh_succeeded(reply);
        };
    }
    pool_->send_batch(std::move(batch));
}

void SessionRefresher::refresh_failed(const RedisReply& reply) {
    const std::lock_guard lock(mutex_);
    // The next tick refreshes every record, rather than leave the failed ones for their slice
    // a round later. While Redis is away the pool fails those at once (it has logged the
    // outage), and its reconnection refreshes every record anyway.
    retry_all_ = true;
    if (reply.is_error() && !refused_) {
        refused_ = true;
        spdlog::warn(
            "store-redis: Redis refused to refresh this node's session records ({}); "
            "trying again every {} ms",
            reply.text, tick().count());
    }
}

void SessionRefresher::refresh_succeeded(const RedisReply& lost) {
    const std::lock_guard lock(mutex_);
    if (std::exchange(refused_, false)) {
        spdlog::info("store-redis: Redis refreshes this node's session records again");
    }
    if (lost.type != RedisReply::Type::array) {
        return;
    }
    for (std::size_t i = 0; i + 1 < lost.elements.size(); i += 2) {
        const auto user = lost.elements[i].as_unsigned();
        const auto epoch = lost.elements[i + 1].as_unsigned();
        if (user && epoch) {
            held_.erase(Held{static_cast<UserId>(*user), *epoch});
        }
    }
}

}  // namespace parley::plugins::redis

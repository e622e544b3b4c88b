#include "redis_connection.hpp"

#include <algorithm>
#include <mutex>
#include <utility>

#include <boost/asio/error.hpp>
#include <hiredis/async.h>

#include <parley/error.hpp>

#include "asio_redis_adapter.hpp"
#include "reply_lost.hpp"

namespace parley::plugins::redis {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds kFirstBackoff{100};
constexpr std::chrono::milliseconds kLongestBackoff{2000};

std::string ms(std::chrono::milliseconds duration) {
    return std::to_string(duration.count()) + " ms";
}

/// Why hiredis gave up on a context: its error text, or a generic reason. The text is read from
/// the inner context: hiredis copies it to the async context only after the connect callback.
std::string context_failure(const redisAsyncContext* context) {
    if (context->c.err != 0 && context->c.errstr[0] != '\0') {
        return context->c.errstr;
    }
    return "the connection closed";
}

}  // namespace

RedisConnection::RedisConnection(std::shared_ptr<StrandLock> lock,
                                 const RedisClientSettings& settings, ScriptCache& scripts,
                                 ConnectionEvents& events)
    : lock_(std::move(lock)),
      settings_(settings),
      scripts_(scripts),
      events_(events),
      address_(settings.address.to_string()),
      resolver_(lock_->strand),
      attempt_timer_(lock_->strand),
      reply_timer_(lock_->strand) {}

RedisConnection::~RedisConnection() {
    // close() has run (the pool closes every connection before it lets go), so nothing of
    // hiredis is left; this is only a guard against a context outliving its connection.
    if (context_ != nullptr) {
        context_->data = nullptr;
    }
}

RedisConnection::State RedisConnection::state() const noexcept {
    switch (phase_) {
        case Phase::ready:
            return State::ready;
        case Phase::closed:
            return State::closed;
        default:
            return failed_once_ ? State::down : State::starting;
    }
}

void RedisConnection::start() {
    if (phase_ == Phase::idle && !failed_once_) {
        begin_attempt();
    }
}

void RedisConnection::begin_attempt() {
    ++attempt_;
    phase_ = Phase::resolving;
    attempt_timer_.expires_after(settings_.connect_timeout);
    attempt_timer_.async_wait([self = shared_from_this(),
                               attempt = attempt_](const boost::system::error_code& error) {
        const std::lock_guard lock(self->lock_->mutex);
        if (error || attempt != self->attempt_ || self->phase_ == Phase::closed) {
            return;
        }
        self->teardown(
            "no connection within " + ms(self->settings_.connect_timeout) + " (connect_timeout)",
            true);
    });
    resolver_.async_resolve(settings_.address.host, std::to_string(settings_.address.port),
                            asio::ip::tcp::resolver::numeric_service,
                            [self = shared_from_this(), attempt = attempt_](
                                const boost::system::error_code& error,
                                const asio::ip::tcp::resolver::results_type& found) {
                                const std::lock_guard lock(self->lock_->mutex);
                                if (attempt != self->attempt_ || self->phase_ != Phase::resolving) {
                                    return;
                                }
                                if (error || found.empty()) {
                                    self->teardown(
                                        "cannot resolve '" + self->settings_.address.host +
                                            "': " + (error ? error.message() : "no address"),
                                        true);
                                    return;
                                }
                                self->open(found.begin()->endpoint().address().to_string());
                            });
}

void RedisConnection::open(const std::string& ip) {
    redisAsyncContext* context = redisAsyncConnect(ip.c_str(), settings_.address.port);
    if (context == nullptr) {
        teardown("cannot connect: out of memory", true);
        return;
    }
    if (context->err != 0) {
        const std::string reason = context_failure(context);
        redisAsyncFree(context);
        teardown("cannot connect: " + reason, true);
        return;
    }
    if (const std::string problem = AsioRedisAdapter::attach(context, lock_); !problem.empty()) {
        redisAsyncFree(context);
        teardown(problem, true);
        return;
    }
    context->data = this;
    context_ = context;
    phase_ = Phase::connecting;
    redisAsyncSetConnectCallback(context, &RedisConnection::on_connect);
    redisAsyncSetDisconnectCallback(context, &RedisConnection::on_disconnect);
    send_handshake();
}

void RedisConnection::send_handshake() {
    // hiredis buffers these until the socket connects; they go out in this order.
    handshake_left_ = 0;
    if (!settings_.password.empty()) {
        handshake({"AUTH", settings_.password}, "the password", nullptr);
    }
    if (settings_.database != 0) {
        handshake({"SELECT", std::to_string(settings_.database)},
                  "database " + std::to_string(settings_.database), nullptr);
    }
    for (const RedisScript* script : scripts_.scripts()) {
        handshake({"SCRIPT", "LOAD", script->body}, "loading a script", script);
    }
    if (handshake_left_ == 0) {
        handshake({"PING"}, "PING", nullptr);
    }
}

void RedisConnection::handshake(std::vector<std::string> args, std::string what,
                                const RedisScript* script) {
    ++handshake_left_;
    auto request = std::make_unique<Request>();
    request->command.args = std::move(args);
    request->deadline = Clock::time_point::max();  // the connect deadline covers the handshake
    request->done = [this, what = std::move(what), script, attempt = attempt_](
                        const std::exception_ptr& error, const RedisReply& reply) {
        if (error || attempt != attempt_ || phase_ != Phase::connecting) {
            return;  // the attempt is over already
        }
        if (reply.is_error()) {
            std::string reason;
            if (reply.error_kind() == "NOAUTH") {
                reason = "it requires a password (" + reply.text + "); set `password` in the " +
                         settings_.owner + " settings";
            } else if (reply.error_kind() == "WRONGPASS" || what == "the password") {
                reason = "it refused the password (" + reply.text + ")";
            } else {
                reason = "it refused " + what + " (" + reply.text + ")";
            }
            teardown(reason, true);
            return;
        }
        if (script != nullptr) {
            scripts_.learn(*script, reply.text);
        }
        if (--handshake_left_ == 0) {
            become_ready();
        }
    };
    issue(std::move(request));
}

void RedisConnection::become_ready() {
    ++attempt_;  // the connect deadline no longer applies
    attempt_timer_.cancel();
    phase_ = Phase::ready;
    backoff_ = std::chrono::milliseconds{0};
    auto waiting = std::exchange(waiting_, {});
    for (auto& request : waiting) {
        issue(std::move(request));
    }
    events_.connection_ready(*this);
}

void RedisConnection::send(RedisCommand command, ReplyCallback done) {
    auto request = std::make_unique<Request>();
    request->command = std::move(command);
    request->done = std::move(done);
    switch (state()) {
        case State::ready:
            issue(std::move(request));
            break;
        case State::starting:
            waiting_.push_back(std::move(request));
            break;
        case State::down:
        case State::closed:
            request->done(unavailable(), {});
            break;
    }
}

void RedisConnection::issue(std::unique_ptr<Request> request) {
    std::vector<std::string> wire;
    if (const RedisScript* script = request->command.script) {
        const std::string* sha = scripts_.sha(*script);
        request->as_eval = request->as_eval || sha == nullptr;
        wire.reserve(request->command.args.size() + 3);
        wire.emplace_back(request->as_eval ? "EVAL" : "EVALSHA");
        wire.push_back(request->as_eval ? script->body : *sha);
        wire.push_back(std::to_string(request->command.key_count));
    }
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    argv.reserve(wire.size() + request->command.args.size());
    lengths.reserve(argv.capacity());
    for (const auto* part : {&wire, &request->command.args}) {
        for (const std::string& arg : *part) {
            argv.push_back(arg.data());
            lengths.push_back(arg.size());
        }
    }
    if (request->deadline != Clock::time_point::max()) {
        request->deadline = Clock::now() + settings_.command_timeout;
    }
    Request* raw = request.get();
    if (context_ == nullptr || redisAsyncCommandArgv(context_, &RedisConnection::on_reply, raw,
                                                     static_cast<int>(argv.size()), argv.data(),
                                                     lengths.data()) != REDIS_OK) {
        request->done(unavailable(), {});
        return;
    }
    (void)request.release();  // hiredis hands it back to on_reply, exactly once
    in_flight_.push_back(raw);
    arm_reply_timer();
}

void RedisConnection::on_reply(redisAsyncContext* context, void* reply, void* request) {
    std::unique_ptr<Request> owned(static_cast<Request*>(request));
    auto* self = static_cast<RedisConnection*>(context->data);
    if (self == nullptr) {
        owned->done(std::make_exception_ptr(
                        Error(ErrorCode::backend_unavailable, "the Redis client is shut down")),
                    {});
        return;
    }
    self->handle_reply(context, static_cast<const redisReply*>(reply), std::move(owned));
}

void RedisConnection::handle_reply(redisAsyncContext* context, const redisReply* reply,
                                   std::unique_ptr<Request> request) {
    if (!in_flight_.empty() && in_flight_.front() == request.get()) {
        in_flight_.pop_front();
    } else {
        std::erase(in_flight_, request.get());
    }
    if (reply == nullptr) {
        // hiredis is freeing the context and fails what it still had in flight.
        if (context == context_) {
            teardown((phase_ == Phase::ready ? "lost the connection: " : "cannot connect: ") +
                         context_failure(context),
                     false);
        }
        // It was sent, or is about to be: Redis may have run it.
        request->done(reply_lost(), {});
        return;
    }
    RedisReply copy = RedisReply::copy_of(*reply);
    if (request->command.script != nullptr && !request->as_eval &&
        copy.error_kind() == "NOSCRIPT" && context == context_) {
        // The server lost its script cache (SCRIPT FLUSH): EVAL caches the script again.
        request->as_eval = true;
        issue(std::move(request));
        return;
    }
    request->done(nullptr, std::move(copy));
}

bool RedisConnection::subscribe(const std::string& channel,
                                std::function<void(const RedisReply&)> on_message) {
    if (phase_ != Phase::ready || context_ == nullptr) {
        return false;
    }
    const char* argv[] = {"SUBSCRIBE", channel.c_str()};
    const std::size_t lengths[] = {9, channel.size()};
    // hiredis keeps the callback for the channel and calls it for every message: no Request to
    // own, and no reply deadline (messages come when they come).
    if (redisAsyncCommandArgv(context_, &RedisConnection::on_message, nullptr, 2, argv, lengths) !=
        REDIS_OK) {
        return false;
    }
    subscriber_ = std::move(on_message);
    return true;
}

void RedisConnection::on_message(redisAsyncContext* context, void* reply, void* /*unused*/) {
    auto* self = static_cast<RedisConnection*>(context->data);
    // No reply: hiredis is freeing the context; the disconnect callback tells the owner.
    if (self == nullptr || reply == nullptr || context != self->context_ || !self->subscriber_) {
        return;
    }
    const auto deliver = self->subscriber_;  // a copy: the callback may end the subscription
    deliver(RedisReply::copy_of(*static_cast<const redisReply*>(reply)));
}

void RedisConnection::on_connect(const redisAsyncContext* context, int status) {
    auto* self = static_cast<RedisConnection*>(context->data);
    if (status != REDIS_OK && self != nullptr && context == self->context_) {
        // hiredis frees the context when this returns.
        self->teardown("cannot connect: " + context_failure(context), false);
    }
}

void RedisConnection::on_disconnect(const redisAsyncContext* context, int /*status*/) {
    auto* self = static_cast<RedisConnection*>(context->data);
    if (self != nullptr && context == self->context_) {
        self->teardown("lost the connection: " + context_failure(context), false);
    }
}

void RedisConnection::drop(const std::string& reason) {
    if (phase_ == Phase::ready) {
        teardown(reason, true);
    }
}

void RedisConnection::teardown(const std::string& reason, bool free_context, bool unresponsive) {
    if (phase_ == Phase::closed) {
        return;
    }
    ++attempt_;  // outstanding timer, resolver and handshake handlers are stale now
    phase_ = Phase::idle;
    subscriber_ = nullptr;
    failed_once_ = true;
    last_error_ = reason;
    attempt_timer_.cancel();
    reply_timer_.cancel();
    reply_timer_armed_ = false;
    resolver_.cancel();
    // Freeing runs the callbacks of everything in flight, which fail with last_error_; inside
    // a hiredis callback the free happens as soon as that callback returns.
    if (redisAsyncContext* context = std::exchange(context_, nullptr); context && free_context) {
        redisAsyncFree(context);
    }
    fail_waiting();
    events_.connection_down(*this, reason, unresponsive);

    backoff_ = backoff_.count() == 0 ? kFirstBackoff : std::min(backoff_ * 2, kLongestBackoff);
    attempt_timer_.expires_after(backoff_);
    attempt_timer_.async_wait(
        [self = shared_from_this(), attempt = attempt_](const boost::system::error_code& error) {
            const std::lock_guard lock(self->lock_->mutex);
            if (!error && attempt == self->attempt_ && self->phase_ == Phase::idle) {
                self->begin_attempt();
            }
        });
}

void RedisConnection::close() {
    if (phase_ == Phase::closed) {
        return;
    }
    ++attempt_;
    phase_ = Phase::closed;
    subscriber_ = nullptr;
    last_error_ = settings_.owner + " is shutting down";
    attempt_timer_.cancel();
    reply_timer_.cancel();
    resolver_.cancel();
    if (redisAsyncContext* context = std::exchange(context_, nullptr)) {
        redisAsyncFree(context);  // fails what is in flight; the adapter lets go of the socket
    }
    fail_waiting();
}

void RedisConnection::fail_waiting() {
    auto waiting = std::exchange(waiting_, {});
    for (auto& request : waiting) {
        request->done(unavailable(), {});
    }
}

void RedisConnection::arm_reply_timer() {
    if (reply_timer_armed_ || in_flight_.empty() ||
        in_flight_.front()->deadline == Clock::time_point::max()) {
        return;
    }
    reply_timer_armed_ = true;
    reply_timer_.expires_at(in_flight_.front()->deadline);
    reply_timer_.async_wait(
        [self = shared_from_this(), attempt = attempt_](const boost::system::error_code& error) {
            const std::lock_guard lock(self->lock_->mutex);
            if (attempt != self->attempt_ || self->phase_ != Phase::ready) {
                return;
            }
            self->reply_timer_armed_ = false;
            if (error) {
                return;
            }
            if (!self->in_flight_.empty() && self->in_flight_.front()->deadline <= Clock::now()) {
                self->teardown(
                    "no reply within " + ms(self->settings_.command_timeout) + " (command_timeout)",
                    true, true);
                return;
            }
            self->arm_reply_timer();  // the oldest command now is a younger one
        });
}

std::string RedisConnection::failure() const {
    if (phase_ == Phase::closed) {
        return settings_.owner + " for Redis at " + address_ + " is shutting down";
    }
    return "Redis at " + address_ + " is unavailable: " + last_error_ + "; " + settings_.owner +
           " keeps reconnecting";
}

std::exception_ptr RedisConnection::unavailable() const {
    return std::make_exception_ptr(Error(ErrorCode::backend_unavailable, failure()));
}

std::exception_ptr RedisConnection::reply_lost() const {
    return std::make_exception_ptr(
        ReplyLost(failure() + " (the command was sent: Redis may have run it)"));
}

}  // namespace parley::plugins::redis

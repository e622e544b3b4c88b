#include "asio_redis_adapter.hpp"

#include <cerrno>
#include <csignal>
#include <ctime>
#include <mutex>
#include <utility>

#include <boost/asio/error.hpp>
#include <hiredis/async.h>
#include <pthread.h>

namespace parley::plugins::redis {

namespace {

/// What hiredis's `ev.data` points to: the adapter's owner until `cleanup` deletes it.
using Holder = std::shared_ptr<AsioRedisAdapter>;

/// hiredis writes with write(2), which raises SIGPIPE when Redis has closed the connection, and
/// the host does not ignore SIGPIPE (Asio sends with MSG_NOSIGNAL), so the default action would
/// end the process. This blocks SIGPIPE on the calling thread around a write and swallows one the
/// write raised, leaving the process's signal dispositions alone; hiredis still sees EPIPE.
class SigpipeGuard {
  public:
    SigpipeGuard() {
        sigemptyset(&pipe_);
        sigaddset(&pipe_, SIGPIPE);
        sigset_t pending;
        sigpending(&pending);
        was_pending_ = sigismember(&pending, SIGPIPE) == 1;
        pthread_sigmask(SIG_BLOCK, &pipe_, &previous_);
    }
    ~SigpipeGuard() {
        sigset_t pending;
        sigpending(&pending);
        if (!was_pending_ && sigismember(&pending, SIGPIPE) == 1) {
            const timespec now{};
            while (sigtimedwait(&pipe_, nullptr, &now) < 0 && errno == EINTR) {
            }
        }
        pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
    }
    SigpipeGuard(const SigpipeGuard&) = delete;
    SigpipeGuard& operator=(const SigpipeGuard&) = delete;

  private:
    sigset_t pipe_{};
    sigset_t previous_{};
    bool was_pending_ = false;
};

}  // namespace

std::string AsioRedisAdapter::attach(redisAsyncContext* context,
                                     const std::shared_ptr<StrandLock>& lock) {
    auto adapter = std::make_shared<AsioRedisAdapter>(context, lock);
    boost::system::error_code error;
    adapter->socket_.assign(context->c.fd, error);
    if (error) {
        return "cannot watch the socket: " + error.message();
    }
    context->ev.data = new Holder(std::move(adapter));
    context->ev.addRead = &AsioRedisAdapter::add_read;
    context->ev.delRead = &AsioRedisAdapter::del_read;
    context->ev.addWrite = &AsioRedisAdapter::add_write;
    context->ev.delWrite = &AsioRedisAdapter::del_write;
    context->ev.cleanup = &AsioRedisAdapter::cleanup;
    return {};
}

AsioRedisAdapter::AsioRedisAdapter(redisAsyncContext* context, std::shared_ptr<StrandLock> lock)
    : context_(context), lock_(std::move(lock)), socket_(lock_->strand) {}

AsioRedisAdapter& AsioRedisAdapter::from(void* data) {
    return **static_cast<Holder*>(data);
}

void AsioRedisAdapter::add_read(void* data) {
    AsioRedisAdapter& self = from(data);
    self.want_read_ = true;
    if (!self.reading_) {
        self.start_wait(WaitType::wait_read);
    }
}

void AsioRedisAdapter::del_read(void* data) {
    from(data).want_read_ = false;  // an outstanding wait completes and is ignored
}

void AsioRedisAdapter::add_write(void* data) {
    AsioRedisAdapter& self = from(data);
    self.want_write_ = true;
    if (!self.writing_) {
        self.start_wait(WaitType::wait_write);
    }
}

void AsioRedisAdapter::del_write(void* data) {
    from(data).want_write_ = false;
}

void AsioRedisAdapter::cleanup(void* data) {
    auto* holder = static_cast<Holder*>(data);
    (*holder)->detach();
    delete holder;  // outstanding waits still own the adapter until they complete
}

void AsioRedisAdapter::detach() {
    context_ = nullptr;
    want_read_ = false;
    want_write_ = false;
    // The descriptor is hiredis's to close; release() also cancels the outstanding waits.
    boost::system::error_code ignored;
    socket_.cancel(ignored);
    (void)socket_.release();
}

void AsioRedisAdapter::start_wait(WaitType type) {
    (type == WaitType::wait_read ? reading_ : writing_) = true;
    socket_.async_wait(type, [self = shared_from_this(), type](const boost::system::error_code& e) {
        const std::lock_guard lock(self->lock_->mutex);
        self->on_ready(type, e);
    });
}

void AsioRedisAdapter::on_ready(WaitType type, const boost::system::error_code& error) {
    const bool read = type == WaitType::wait_read;
    (read ? reading_ : writing_) = false;
    if (context_ == nullptr || error == asio::error::operation_aborted) {
        return;
    }
    // Any other error is the socket's: hiredis finds it when it reads or writes, and reports it.
    if (read && want_read_) {
        redisAsyncHandleRead(context_);
    } else if (!read && want_write_) {
        const SigpipeGuard guard;
        redisAsyncHandleWrite(context_);
    }
}

}  // namespace parley::plugins::redis

#pragma once
// Awaiting a result that another thread produces: a client library's callback thread, a poll
// loop, a strand of the plugin's own. The awaiting coroutine resumes on its own executor, never
// on the foreign thread, and that executor counts as busy meanwhile, so an io_context does not
// run out of work while the result is out. A result that arrives after that executor's
// io_context was destroyed is dropped: the io_context's shutdown already destroyed the waiter,
// as it destroys every other pending handler.
//
//     asio::awaitable<Reply> get(Client& client, std::string key) {
//         return parley::await_foreign<Reply>([&client, key](parley::Completer<Reply> done) {
//             client.get_async(key, [done](Reply reply) { done.set_value(std::move(reply)); });
//         });
//     }

#include <atomic>
#include <exception>
#include <memory>
#include <mutex>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/config.hpp>

#include <parley/asio.hpp>

namespace parley {

namespace detail {

/// What a completion carries: T, or nothing for void.
template <typename T>
using ForeignValue = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

template <typename T>
struct ForeignSignature {
    using type = void(std::exception_ptr, T);
};
template <>
struct ForeignSignature<void> {
    using type = void(std::exception_ptr);
};

/// One wait's state, shared by every copy of its Completer. The first completion wins.
template <typename T>
class ForeignState {
  public:
    virtual ~ForeignState() = default;
    ForeignState() = default;
    ForeignState(const ForeignState&) = delete;
    ForeignState& operator=(const ForeignState&) = delete;

    void complete(std::exception_ptr error, ForeignValue<T> value) {
        if (!done_.exchange(true, std::memory_order_acq_rel)) {
            deliver(std::move(error), std::move(value));
        }
    }

  private:
    virtual void deliver(std::exception_ptr error, ForeignValue<T> value) = 0;

    std::atomic<bool> done_{false};
};

/// A wait whose waiter can be let go of: its io_context is shutting down.
class PendingForeignWait {
  public:
    virtual ~PendingForeignWait() = default;
    /// Destroys the waiter and its claim on the io_context; the result, if it still comes, is
    /// dropped.
    virtual void abandon() noexcept = 0;
};

/// The waits still out on one io_context. It outlives the io_context (each wait holds it), so
/// a foreign thread completing late finds it closed instead of a destroyed scheduler.
class ForeignWaits {
  public:
    /// Counts `wait` as out; false when the io_context is already shutting down.
    bool add(const std::shared_ptr<PendingForeignWait>& wait) {
        const std::lock_guard lock(mutex_);
        if (closed_) {
            return false;
        }
        out_.emplace(wait.get(), wait);
        return true;
    }
    /// Runs `post` (which hands the result to the io_context) unless the io_context is shutting
    /// down: under the lock, so its scheduler cannot go away meanwhile.
    template <typename Post>
    bool remove_and(PendingForeignWait* wait, Post&& post) {
        const std::lock_guard lock(mutex_);
        if (closed_) {
            return false;
        }
        out_.erase(wait);
        std::forward<Post>(post)();
        return true;
    }
    void forget(PendingForeignWait* wait) noexcept {
        const std::lock_guard lock(mutex_);
        out_.erase(wait);
    }
    /// The io_context is shutting down: every wait still out is abandoned, later results are
    /// dropped.
    void close() noexcept {
        std::vector<std::shared_ptr<PendingForeignWait>> abandoned;
        {
            const std::lock_guard lock(mutex_);
            closed_ = true;
            for (const auto& [key, weak] : out_) {
                if (auto wait = weak.lock()) {
                    abandoned.push_back(std::move(wait));
                }
            }
            out_.clear();
        }
        // Outside the lock: a waiter's destruction may end other waits of this io_context.
        for (const auto& wait : abandoned) {
            wait->abandon();
        }
    }

  private:
    std::mutex mutex_;
    bool closed_ = false;
    std::unordered_map<PendingForeignWait*, std::weak_ptr<PendingForeignWait>> out_;
};

/// Closes an io_context's ForeignWaits when the io_context shuts down, before its scheduler
/// does (services shut down newest first). Defined in libparley-core, so every library shares
/// one per io_context, and its code stays loaded as long as the io_context can reach it: a
/// plugin unloaded before the io_context goes takes nothing the io_context still calls.
class BOOST_SYMBOL_VISIBLE ForeignWaitService final : public asio::execution_context::service {
  public:
    using key_type = ForeignWaitService;
    static asio::execution_context::id id;

    explicit ForeignWaitService(asio::execution_context& context);
    ~ForeignWaitService() override;
    ForeignWaitService(const ForeignWaitService&) = delete;
    ForeignWaitService& operator=(const ForeignWaitService&) = delete;

    const std::shared_ptr<ForeignWaits>& waits() const noexcept { return waits_; }

  private:
    void shutdown() override;

    std::shared_ptr<ForeignWaits> waits_;
};

template <typename T, typename Handler>
class HandlerState final : public ForeignState<T>, public PendingForeignWait {
  public:
    explicit HandlerState(Handler handler)
        : handler_(std::move(handler)), work_(asio::get_associated_executor(handler_)) {
        asio::execution_context& context =
            asio::query(work_.get_executor(), asio::execution::context);
        waits_ = asio::use_service<ForeignWaitService>(context).waits();
    }
    ~HandlerState() override { waits_->forget(this); }
    HandlerState(const HandlerState&) = delete;
    HandlerState& operator=(const HandlerState&) = delete;

    /// Counts this wait as out on its io_context; once, right after construction.
    static void watch(const std::shared_ptr<HandlerState>& state) {
        if (!state->waits_->add(state)) {
            state->abandon();
        }
    }

  private:
    void deliver(std::exception_ptr error, ForeignValue<T> value) override {
        // Posted, never run inline: the foreign thread must not run the coroutine.
        waits_->remove_and(this, [&] {
            asio::post(work_.get_executor(),
                       [handler = std::move(handler_), error = std::move(error),
                        value = std::move(value)]() mutable {
                           if constexpr (std::is_void_v<T>) {
                               std::move(handler)(std::move(error));
                           } else {
                               std::move(handler)(std::move(error), std::move(value));
                           }
                       });
            work_.reset();
        });
    }

    void abandon() noexcept override {
        // Destroying the handler lets Asio destroy the coroutine, as for any pending handler.
        [[maybe_unused]] const Handler abandoned = std::move(handler_);
        work_.reset();
    }

    Handler handler_;
    asio::executor_work_guard<asio::associated_executor_t<Handler>> work_;
    std::shared_ptr<ForeignWaits> waits_;
};

}  // namespace detail

/// Completes one await_foreign() wait, from any thread. Copies share the wait; only the first
/// set_value or set_exception of any of them counts, later ones do nothing. Dropping every copy
/// without completing leaves the waiter suspended: whoever holds a Completer must complete it.
template <typename T>
class Completer {
  public:
    explicit Completer(std::shared_ptr<detail::ForeignState<T>> state) : state_(std::move(state)) {}

    void set_value(detail::ForeignValue<T> value) const requires(!std::is_void_v<T>) {
        state_->complete(nullptr, std::move(value));
    }
    void set_value() const requires(std::is_void_v<T>) { state_->complete(nullptr, {}); }
    /// The waiter's co_await rethrows `error`.
    void set_exception(std::exception_ptr error) const {
        state_->complete(std::move(error), detail::ForeignValue<T>{});
    }

  private:
    std::shared_ptr<detail::ForeignState<T>> state_;
};

/// Awaits a T that `start` arranges to deliver. `start(Completer<T>)` runs at once, on the
/// awaiting thread; it hands the Completer to whatever produces the result, which completes it
/// once, possibly before `start` returns. The caller resumes on its own executor. For a T
/// other than void, T must be default constructible (a failed wait carries an empty T).
template <typename T, typename Start>
asio::awaitable<T> await_foreign(Start start) {
    return asio::async_initiate<const asio::use_awaitable_t<>&,
                                typename detail::ForeignSignature<T>::type>(
        [start = std::move(start)](auto handler) mutable {
            using State = detail::HandlerState<T, decltype(handler)>;
            auto state = std::make_shared<State>(std::move(handler));
            State::watch(state);
            start(Completer<T>(std::move(state)));
        },
        asio::use_awaitable);
}

}  // namespace parley

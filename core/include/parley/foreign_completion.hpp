#pragma once
// Awaiting a result that another thread produces: a client library's callback thread, a poll
// loop, a strand of the plugin's own. The awaiting coroutine resumes on its own executor, never
// on the foreign thread, and that executor counts as busy meanwhile, so an io_context does not
// run out of work while the result is out.
//
//     asio::awaitable<Reply> get(Client& client, std::string key) {
//         return parley::await_foreign<Reply>([&client, key](parley::Completer<Reply> done) {
//             client.get_async(key, [done](Reply reply) { done.set_value(std::move(reply)); });
//         });
//     }

#include <atomic>
#include <exception>
#include <memory>
#include <type_traits>
#include <utility>
#include <variant>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

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

template <typename T, typename Handler>
class HandlerState final : public ForeignState<T> {
  public:
    explicit HandlerState(Handler handler)
        : handler_(std::move(handler)), work_(asio::get_associated_executor(handler_)) {}

  private:
    void deliver(std::exception_ptr error, ForeignValue<T> value) override {
        // Posted, never run inline: the foreign thread must not run the coroutine.
        asio::post(work_.get_executor(), [handler = std::move(handler_), error = std::move(error),
                                          value = std::move(value)]() mutable {
            if constexpr (std::is_void_v<T>) {
                std::move(handler)(std::move(error));
            } else {
                std::move(handler)(std::move(error), std::move(value));
            }
        });
        work_.reset();
    }

    Handler handler_;
    asio::executor_work_guard<asio::associated_executor_t<Handler>> work_;
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
            using CompletionHandler = decltype(handler);
            start(Completer<T>(
                std::make_shared<detail::HandlerState<T, CompletionHandler>>(std::move(handler))));
        },
        asio::use_awaitable);
}

}  // namespace parley

#pragma once
// Asynchronous operations finished by another thread (the ZooKeeper client's, the registry's):
// the waiting coroutine resumes on its own executor, which counts as busy meanwhile, so an
// io_context does not run out of work while a request is out.

#include <memory>
#include <utility>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <parley/asio.hpp>

namespace parley::plugins::zookeeper {

/// Where the result of one operation goes. complete() is called exactly once, from any thread.
template <typename T>
class Completion {
  public:
    virtual ~Completion() = default;
    virtual void complete(T result) = 0;
};

template <typename T>
using CompletionPtr = std::unique_ptr<Completion<T>>;

namespace detail {

template <typename T, typename Handler>
class HandlerCompletion final : public Completion<T> {
  public:
    explicit HandlerCompletion(Handler handler)
        : handler_(std::move(handler)), work_(asio::get_associated_executor(handler_)) {}

    void complete(T result) override {
        auto executor = work_.get_executor();
        asio::post(executor, [handler = std::move(handler_), result = std::move(result)]() mutable {
            std::move(handler)(std::move(result));
        });
        work_.reset();
    }

  private:
    Handler handler_;
    asio::executor_work_guard<asio::associated_executor_t<Handler>> work_;
};

}  // namespace detail

/// Awaits a T that `start` arranges to deliver: `start` receives the Completion<T> and must see
/// to it that complete() is called once (possibly before `start` returns).
template <typename T, typename Start>
asio::awaitable<T> await_completion(Start start) {
    return asio::async_initiate<const asio::use_awaitable_t<>&, void(T)>(
        [start = std::move(start)](auto handler) mutable {
            using Handler = decltype(handler);
            start(CompletionPtr<T>(
                std::make_unique<detail::HandlerCompletion<T, Handler>>(std::move(handler))));
        },
        asio::use_awaitable);
}

}  // namespace parley::plugins::zookeeper

#include "net/request_runner.hpp"

#include <algorithm>
#include <exception>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include "dispatch/dispatcher.hpp"
#include "net/session.hpp"

namespace parley::net {
namespace asio = boost::asio;

RequestRunner::RequestRunner(asio::io_context::executor_type executor) : executor_(executor) {}

RequestRunner::~RequestRunner() {
    clear();
}

bool RequestRunner::run(std::shared_ptr<ClientSession> session) {
    bool finished = false;
    Worker* worker = nullptr;
    if (!parked_.empty()) {
        worker = parked_.back();
        parked_.pop_back();
    } else {
        worker = workers_.emplace_back(std::make_unique<Worker>()).get();
    }
    worker->session = std::move(session);
    worker->finished_inline = &finished;
    if (worker->wake) {
        Wake wake = std::move(*worker->wake);
        worker->wake.reset();
        std::move(wake)();  // resumes the coroutine here, on this stack
    } else {
        asio::co_spawn(executor_, work(*worker), [this, worker](const std::exception_ptr& e) {
            if (e) {
                spdlog::critical("a request coroutine ended on an exception");
            }
            forget(*worker);
        });
    }
    if (!finished) {
        // The request is waiting; the worker is alive and reports through the session later.
        worker->finished_inline = nullptr;
    }
    return finished;
}

asio::awaitable<void> RequestRunner::work(Worker& worker) {
    for (;;) {
        {
            ClientSession& session = *worker.session;
            const SessionEnvironment& env = session.environment();
            RequestContext ctx{std::move(worker.session), env.node};
            for (Frame frame = session.next_request(); !frame.empty();
                 frame = session.next_request()) {
                ctx.ref_id = 0;
                // The whole request path; the handler runs inline, so a request costs no
                // coroutine frame besides the handler's own.
                if (Handler* handler = env.dispatcher.admit(ctx, frame)) {
                    std::exception_ptr failure;
                    try {
                        co_await handler->handle(ctx, frame);
                    } catch (...) {
                        failure = std::current_exception();
                    }
                    if (failure) {
                        env.dispatcher.answer_failure(ctx, frame, failure);
                    }
                    if (frame.type() == FrameType::handshake) {
                        // A failed login slows the connection's next frame down.
                        if (const auto pause = session.handshake_finished(); pause.count() > 0) {
                            asio::steady_timer delay(executor_, pause);
                            co_await delay.async_wait(asio::use_awaitable);
                        }
                    }
                }
            }
            if (worker.finished_inline != nullptr) {
                *worker.finished_inline = true;
                worker.finished_inline = nullptr;
            } else {
                asio::post(executor_, [self = std::move(ctx.session), &session] {
                    session.requests_finished();
                });
            }
        }
        if (parked_.size() >= kMaxParked) {
            co_return;
        }
        co_await asio::async_initiate<const asio::use_awaitable_t<>&, void()>(
            [this, &worker](Wake wake) {
                worker.wake.emplace(std::move(wake));
                parked_.push_back(&worker);
            },
            asio::use_awaitable);
    }
}

void RequestRunner::run_out_of_turn(std::shared_ptr<ClientSession> session, Frame frame) {
    asio::co_spawn(executor_, run_one(std::move(session), std::move(frame)),
                   [](const std::exception_ptr& e) {
                       if (e) {
                           spdlog::critical("a request coroutine ended on an exception");
                       }
                   });
}

asio::awaitable<void> RequestRunner::run_one(std::shared_ptr<ClientSession> session, Frame frame) {
    const SessionEnvironment& env = session->environment();
    RequestContext ctx{std::move(session), env.node};
    if (Handler* handler = env.dispatcher.admit(ctx, frame)) {
        std::exception_ptr failure;
        try {
            co_await handler->handle(ctx, frame);
        } catch (...) {
            failure = std::current_exception();
        }
        if (failure) {
            env.dispatcher.answer_failure(ctx, frame, failure);
        }
    }
}

void RequestRunner::forget(Worker& worker) noexcept {
    std::erase(parked_, &worker);
    std::erase_if(workers_, [&worker](const auto& w) { return w.get() == &worker; });
}

void RequestRunner::clear() noexcept {
    // Destroying a parked coroutine's handler unwinds its frame through the executor.
    for (Worker* worker : parked_) {
        worker->wake.reset();
    }
    parked_.clear();
}

}  // namespace parley::net

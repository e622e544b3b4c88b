#include "net/request_runner.hpp"

#include <algorithm>
#include <exception>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include "dispatch/dispatcher.hpp"
#include "net/session.hpp"
#include "net/session_loop.hpp"

namespace parley::net {
namespace asio = boost::asio;

RequestRunner::RequestRunner(asio::io_context::executor_type executor) : executor_(executor) {}

RequestRunner::~RequestRunner() {
    clear();
}

// The RequestOrder of one pipelined request: its ticket among the session's requests, and the
// worker that runs it, which lets the session's next frames go on without it.
class RequestRunner::PipelinedRequest final : public RequestOrder {
  public:
    PipelinedRequest(Worker& worker, ClientSession& session, std::uint8_t raw_type)
        : worker_(worker), session_(session), ticket_(session.begin_pipelined()), type_(raw_type) {}
    PipelinedRequest(const PipelinedRequest&) = delete;
    PipelinedRequest& operator=(const PipelinedRequest&) = delete;
    ~PipelinedRequest() override {
        if (!finished_) {
            // Unwound unfinished (the loop is going away): the later tickets' turns never
            // come, so let their coroutines go rather than keep the session alive through them.
            session_.drop_turn_waiters();
        }
    }

    void let_next_start() override {
        if (released_) {
            return;
        }
        released_ = true;
        if (worker_.finished_inline != nullptr) {
            // run() is on the stack: it hands the frames on if this request suspends now.
            worker_.releasing = true;
            return;
        }
        // Resumed by a backend: this request held the session's frames (requests_finished()
        // was due when it ended). Posted, so the next one starts once this one has suspended in
        // its append.
        worker_.gave_up_line = true;
        asio::post(session_.loop().executor(),
                   [self = session_.shared_from_this()] { self->requests_finished(); });
    }

    asio::awaitable<void> wait_turn() override {
        if (!session_.in_turn(ticket_)) {
            auto wait = [this](ClientSession::TurnWake wake) {
                session_.wait_turn(ticket_, std::move(wake));
            };
            co_await asio::async_initiate<const asio::use_awaitable_t<>&, void()>(
                std::move(wait), asio::use_awaitable);
        }
        session_.answering(type_);
    }

    void finish() {
        worker_.releasing = false;
        finished_ = true;
        session_.finish_pipelined(ticket_);
    }

  private:
    Worker& worker_;
    ClientSession& session_;
    const std::uint64_t ticket_;
    const std::uint8_t type_;
    bool released_ = false;
    bool finished_ = false;
};

RequestRunner::Result RequestRunner::run(std::shared_ptr<ClientSession> session) {
    bool finished = false;
    Worker* worker = nullptr;
    if (!parked_.empty()) {
        worker = parked_.back();
        parked_.pop_back();
    } else {
        worker = workers_.emplace_back(std::make_unique<Worker>()).get();
        worker->slot = workers_.size() - 1;
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
    if (finished) {
        return Result::finished;
    }
    // The request is waiting; the worker is alive and reports through the session later.
    worker->finished_inline = nullptr;
    if (std::exchange(worker->releasing, false)) {
        // It waits in its append or publish, which is queued: the next frames need not wait.
        worker->gave_up_line = true;
        return Result::released;
    }
    return Result::waiting;
}

asio::awaitable<void> RequestRunner::work(Worker& worker) {
    for (;;) {
        {
            ClientSession& session = *worker.session;
            const SessionEnvironment& env = session.environment();
            RequestContext ctx{std::move(worker.session), env.node};
            bool pipelined = false;
            for (Frame frame = session.next_request(pipelined); !frame.empty();
                 frame = session.next_request(pipelined)) {
                ctx.ref_id = 0;
                if (pipelined) {
                    co_await run_pipelined(worker, session, ctx, frame);
                    if (worker.gave_up_line) {
                        break;  // another worker runs the session's frames now
                    }
                    continue;
                }
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
            if (std::exchange(worker.gave_up_line, false)) {
                // Nothing to report: the session heard when this request let the frames go.
            } else if (worker.finished_inline != nullptr) {
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

asio::awaitable<void> RequestRunner::run_pipelined(Worker& worker, ClientSession& session,
                                                   RequestContext& ctx, Frame& frame) {
    const dispatch::Dispatcher& dispatcher = session.environment().dispatcher;
    PipelinedRequest order(worker, session, frame.raw_type());
    ctx.order = &order;
    // Refusals and failures wait for their turn like answers: an ERROR for this frame must not
    // overtake the ACK of an earlier one.
    const dispatch::Dispatcher::Admission admission = dispatcher.inspect(ctx, frame);
    std::exception_ptr failure;
    if (admission.handler != nullptr) {
        try {
            co_await admission.handler->handle(ctx, frame);
        } catch (...) {
            failure = std::current_exception();
        }
    }
    // Whatever the request did is done; all it has left is its answer, in turn. The frames
    // after it need not wait for that.
    order.let_next_start();
    co_await order.wait_turn();
    if (admission.handler == nullptr) {
        dispatcher.answer_refusal(ctx, frame, admission);
    } else if (failure) {
        dispatcher.answer_failure(ctx, frame, failure);
    }
    ctx.order = nullptr;
    order.finish();
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
    // Swapped with the last: thousands of pipelined requests may be running on a loop.
    const std::size_t slot = worker.slot;
    if (slot + 1 != workers_.size()) {
        std::swap(workers_[slot], workers_.back());
        workers_[slot]->slot = slot;
    }
    workers_.pop_back();
}

void RequestRunner::clear() noexcept {
    // Destroying a parked coroutine's handler unwinds its frame through the executor.
    for (Worker* worker : parked_) {
        worker->wake.reset();
    }
    parked_.clear();
}

}  // namespace parley::net

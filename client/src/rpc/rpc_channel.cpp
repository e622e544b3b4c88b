#include <future>
#include <map>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <google/protobuf/descriptor.h>

#include <parley/client/rpc_channel.hpp>
#include <parley/client/server_picker.hpp>

#include "rpc/rpc_link.hpp"

namespace parley::client {

using rpc::OutgoingCall;
using rpc::RpcLink;

/// The channel's state, on its strand. Shared with the calls' coroutines and timers, so a
/// channel destroyed while calls are out leaves them to end safely.
class RpcChannel::Core : public std::enable_shared_from_this<Core> {
  public:
    Core(const asio::any_io_executor& executor, std::shared_ptr<RpcTargets> targets,
         RpcChannelOptions options)
        : strand_(asio::make_strand(executor)),
          targets_(std::move(targets)),
          options_(std::move(options)),
          picker_(make_server_picker(options_.policy)) {}

    const FrameConnection::Executor& strand() const { return strand_; }
    const RpcChannelOptions& options() const { return options_; }

    void start(const std::shared_ptr<OutgoingCall>& call) {
        if (closed_) {
            finish(*call, Error(ErrorCode::unavailable, "the channel is closed"));
            return;
        }
        call->deadline_timer.expires_at(call->deadline);
        call->deadline_timer.async_wait(
            [self = shared_from_this(), call](boost::system::error_code ec) {
                if (!ec) {
                    self->give_up(*call, Error(ErrorCode::deadline_exceeded,
                                               "no answer within the call's time-out"));
                }
            });
        asio::co_spawn(strand_, run(call), asio::detached);
    }

    /// Installed before the call is posted, so a StartCancel() at once is not lost: its give_up
    /// is posted after start().
    void watch_cancel(const std::shared_ptr<OutgoingCall>& call) {
        call->controller->on_start_cancel([weak = weak_from_this(), call] {
            if (auto self = weak.lock()) {
                asio::post(self->strand_, [self, call] {
                    self->give_up(*call, Error(ErrorCode::cancelled, "cancelled by the caller"));
                });
            }
        });
    }

    void close() {
        closed_ = true;
        auto links = std::move(links_);
        links_.clear();
        for (auto& [key, link] : links) {
            link->close("the channel was closed");
        }
    }

  private:
    asio::awaitable<void> run(std::shared_ptr<OutgoingCall> call) {
        auto self = shared_from_this();
        const std::string service = call->method->service()->full_name();
        const std::string method = service + "/" + call->method->name();
        std::string avoid;
        std::string last_failure = "no attempt was made";
        for (unsigned attempt = 0; attempt < std::max(1U, options_.max_attempts); ++attempt) {
            if (closed_) {
                break;
            }
            std::vector<ServiceInstance> instances;
            try {
                instances = co_await targets_->instances(service);
            } catch (const std::exception& e) {
                finish(*call, Error(ErrorCode::unavailable,
                                    "cannot list the instances of " + service + ": " + e.what()));
                co_return;
            }
            if (call->finished) {
                co_return;
            }
            if (instances.empty()) {
                finish(*call, Error(ErrorCode::unknown_service,
                                    "no instance of " + service + " is registered"));
                co_return;
            }
            const auto choice = picker_->pick(instances, call->controller->call_key(), avoid);
            if (!choice) {
                finish(*call, Error(ErrorCode::unavailable,
                                    "no instance of " + service +
                                        " offers an endpoint this client speaks: " +
                                        undialable_reason(instances)));
                co_return;
            }
            call->controller->set_instance(choice->node_id);
            if (!choice->endpoint.starts_with("tcp://") &&
                choice->endpoint.find("://") != std::string::npos) {
                finish(*call, Error(ErrorCode::unavailable, choice->node_id + " offers " +
                                                                choice->endpoint +
                                                                "; RPC callers speak tcp:// only"));
                co_return;
            }
            const std::shared_ptr<RpcLink> link = link_to(choice->endpoint);
            const bool open = co_await link->open();
            if (call->finished) {
                co_return;
            }
            avoid = choice->node_id;
            if (!open) {
                // Never sent: safe to try elsewhere, idempotent or not.
                last_failure = choice->node_id + ": " + link->error_text();
                forget(choice->endpoint, link);
                continue;
            }
            link->send(call, method);
            while (call->outcome == OutgoingCall::Outcome::pending && !call->finished) {
                call->wake.expires_at(asio::steady_timer::time_point::max());
                boost::system::error_code ignored;
                co_await call->wake.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
            }
            if (call->finished) {
                co_return;
            }
            if (call->outcome == OutgoingCall::Outcome::answered) {
                answered(*call);
                co_return;
            }
            forget(choice->endpoint, link);
            last_failure = choice->node_id + ": " + call->lost_reason;
            if (!call->controller->idempotent()) {
                finish(*call, Error(ErrorCode::unavailable,
                                    "the connection to " + last_failure +
                                        " was lost after the call was sent, so it may have run; "
                                        "not retried, as the call is not idempotent"));
                co_return;
            }
        }
        finish(*call, Error(ErrorCode::unavailable,
                            closed_ ? "the channel was closed"
                                    : "every attempt failed; the last: " + last_failure));
    }

    std::shared_ptr<RpcLink> link_to(const std::string& endpoint) {
        auto& link = links_[endpoint];
        if (!link || link->dead()) {
            link = std::make_shared<RpcLink>(strand_, parse_service_endpoint(endpoint).address,
                                             options_.max_frame_size, options_.token);
        }
        return link;
    }

    void forget(const std::string& endpoint, const std::shared_ptr<RpcLink>& link) {
        if (auto found = links_.find(endpoint); found != links_.end() && found->second == link) {
            links_.erase(found);
        }
    }

    void answered(OutgoingCall& call) {
        const wire::RpcResponse& answer = call.answer;
        if (answer.code() != 0) {
            finish(call, Error(static_cast<ErrorCode>(answer.code()), answer.msg(), answer.data()));
        } else if (!call.response->ParseFromString(answer.payload())) {
            finish(call, Error(ErrorCode::internal,
                               "the answer is not a " + call.response->GetTypeName()));
        } else {
            finish(call, std::nullopt);
        }
    }

    /// The deadline or the caller ends the call before its answer.
    void give_up(OutgoingCall& call, const Error& why) {
        if (call.finished) {
            return;
        }
        if (call.link && call.outcome == OutgoingCall::Outcome::pending) {
            call.link->cancel(call.call_id);
        }
        finish(call, why);
        call.wake.cancel();
    }

    void finish(OutgoingCall& call, const std::optional<Error>& failure) {
        if (call.finished) {
            return;
        }
        call.finished = true;
        call.deadline_timer.cancel();
        call.link.reset();
        call.controller->on_start_cancel(nullptr);
        if (failure) {
            call.controller->fail(*failure);
        }
        google::protobuf::Closure* done = std::exchange(call.done, nullptr);
        done->Run();
    }

    FrameConnection::Executor strand_;
    std::shared_ptr<RpcTargets> targets_;
    RpcChannelOptions options_;
    std::unique_ptr<ServerPicker> picker_;
    std::map<std::string, std::shared_ptr<RpcLink>> links_;
    bool closed_ = false;
};

namespace {

/// The `done` of a call made without one: wakes the thread waiting in CallMethod.
class WakeWaiter final : public google::protobuf::Closure {
  public:
    explicit WakeWaiter(std::promise<void>& finished) : finished_(finished) {}
    void Run() override { finished_.set_value(); }

  private:
    std::promise<void>& finished_;
};

}  // namespace

RpcChannel::RpcChannel(asio::any_io_executor executor, std::shared_ptr<RpcTargets> targets,
                       RpcChannelOptions options)
    : core_(std::make_shared<Core>(executor, std::move(targets), std::move(options))) {}

RpcChannel::~RpcChannel() {
    close();
}

void RpcChannel::CallMethod(const google::protobuf::MethodDescriptor* method,
                            google::protobuf::RpcController* controller,
                            const google::protobuf::Message* request,
                            google::protobuf::Message* response, google::protobuf::Closure* done) {
    auto* call_controller = dynamic_cast<RpcCall*>(controller);
    if (call_controller == nullptr) {
        throw std::invalid_argument("RpcChannel calls need a parley::RpcCall as controller");
    }
    auto call = std::make_shared<OutgoingCall>(core_->strand());
    call->method = method;
    call->controller = call_controller;
    call->response = response;
    const auto timeout = call_controller->timeout().count() > 0 ? call_controller->timeout()
                                                                : core_->options().default_timeout;
    call->deadline = std::chrono::steady_clock::now() + timeout;
    if (!request->SerializeToString(&call->payload)) {
        call_controller->fail(Error(ErrorCode::bad_body, "the request could not be serialized"));
        if (done != nullptr) {
            done->Run();
        }
        return;
    }
    std::promise<void> finished;
    WakeWaiter waiter(finished);
    call->done = done != nullptr ? done : &waiter;
    core_->watch_cancel(call);
    asio::post(core_->strand(), [core = core_, call] { core->start(call); });
    if (done == nullptr) {
        finished.get_future().wait();
    }
}

void RpcChannel::close() {
    asio::post(core_->strand(), [core = core_] { core->close(); });
}

}  // namespace parley::client

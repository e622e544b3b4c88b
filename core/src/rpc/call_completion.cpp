#include "rpc/call_completion.hpp"

#include <google/protobuf/stubs/callback.h>

namespace parley::rpc {
namespace {

class CompletionClosure final : public google::protobuf::Closure {
  public:
    CompletionClosure(std::shared_ptr<CallCompletion> completion, void (CallCompletion::*run)())
        : completion_(std::move(completion)), run_(run) {}

    void Run() override {
        const std::shared_ptr<CallCompletion> completion = std::move(completion_);
        const auto run = run_;
        delete this;  // protobuf's contract for a one-shot closure
        ((*completion).*run)();
    }

  private:
    std::shared_ptr<CallCompletion> completion_;
    void (CallCompletion::*run_)();
};

}  // namespace

google::protobuf::Closure* CallCompletion::closure() {
    return new CompletionClosure(shared_from_this(), &CallCompletion::run);
}

std::shared_ptr<CallCompletion> CallCompletion::start(const MethodTarget& target, RpcCall& call,
                                                      google::protobuf::Message& request,
                                                      google::protobuf::Message& response) {
    auto completion = std::make_shared<CallCompletion>();
    try {
        target.service->CallMethod(target.method, &call, &request, &response,
                                   completion->closure());
        return completion;
    } catch (const Error& error) {
        call.fail(error);
    } catch (const std::exception& error) {
        call.fail(Error(ErrorCode::internal, error.what()));
    }
    completion->run();
    return completion;
}

bool CallCompletion::ran() const {
    std::lock_guard lock(mutex_);
    return ran_;
}

void CallCompletion::run() {
    std::vector<Completer<void>> waiter;
    {
        std::lock_guard lock(mutex_);
        ran_ = true;
        waiter.swap(waiter_);
    }
    for (const auto& done : waiter) {
        done.set_value();
    }
}

asio::awaitable<void> CallCompletion::wait() {
    auto self = shared_from_this();
    co_await await_foreign<void>([self](Completer<void> done) {
        std::unique_lock lock(self->mutex_);
        if (self->ran_) {
            lock.unlock();
            done.set_value();
        } else {
            self->waiter_.push_back(std::move(done));
        }
    });
}

}  // namespace parley::rpc

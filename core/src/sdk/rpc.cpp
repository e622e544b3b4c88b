#include <google/protobuf/descriptor.h>

#include <parley/rpc.hpp>

namespace parley {

RpcService::RpcService(std::shared_ptr<google::protobuf::Service> implementation)
    : implementation_(std::move(implementation)) {
    if (!implementation_) {
        throw std::invalid_argument("rpc_service: no implementation");
    }
}

RpcService::~RpcService() = default;

const std::string& RpcService::full_name() const {
    return implementation_->GetDescriptor()->full_name();
}

RpcCall::RpcCall() = default;

RpcCall::~RpcCall() {
    // A callback registered but never run is still ours to free.
    delete on_cancel_;
}

ErrorCode RpcCall::code() const {
    std::lock_guard lock(mutex_);
    return code_;
}

std::string RpcCall::error_data() const {
    std::lock_guard lock(mutex_);
    return data_;
}

std::string RpcCall::instance() const {
    std::lock_guard lock(mutex_);
    return instance_;
}

void RpcCall::Reset() {
    std::lock_guard lock(mutex_);
    code_ = ErrorCode::ok;
    message_.clear();
    data_.clear();
    instance_.clear();
    deadline_.reset();
    cancelled_ = false;
    delete on_cancel_;
    on_cancel_ = nullptr;
    start_cancel_ = nullptr;
}

bool RpcCall::Failed() const {
    return code() != ErrorCode::ok;
}

std::string RpcCall::ErrorText() const {
    std::lock_guard lock(mutex_);
    return message_;
}

void RpcCall::StartCancel() {
    std::function<void()> hook;
    {
        std::lock_guard lock(mutex_);
        hook = start_cancel_;
    }
    if (hook) {
        hook();
    }
}

void RpcCall::SetFailed(const std::string& reason) {
    fail(Error(ErrorCode::internal, reason));
}

bool RpcCall::IsCanceled() const {
    return cancelled_.load(std::memory_order_acquire);
}

void RpcCall::NotifyOnCancel(google::protobuf::Closure* callback) {
    {
        std::lock_guard lock(mutex_);
        if (!cancelled_) {
            delete on_cancel_;
            on_cancel_ = callback;
            return;
        }
    }
    callback->Run();
}

void RpcCall::fail(const Error& error) {
    std::lock_guard lock(mutex_);
    // The first failure is the one the caller hears.
    if (code_ == ErrorCode::ok) {
        code_ = error.code() == ErrorCode::ok ? ErrorCode::internal : error.code();
        message_ = error.what();
        data_ = error.data();
    }
}

void RpcCall::set_instance(std::string instance) {
    std::lock_guard lock(mutex_);
    instance_ = std::move(instance);
}

void RpcCall::cancel() {
    google::protobuf::Closure* callback = nullptr;
    {
        std::lock_guard lock(mutex_);
        if (cancelled_.exchange(true)) {
            return;
        }
        callback = std::exchange(on_cancel_, nullptr);
    }
    if (callback != nullptr) {
        callback->Run();
    }
}

void RpcCall::on_start_cancel(std::function<void()> hook) {
    std::lock_guard lock(mutex_);
    start_cancel_ = std::move(hook);
}

void fail_call(google::protobuf::RpcController* call, const Error& error) {
    if (auto* parley_call = dynamic_cast<RpcCall*>(call)) {
        parley_call->fail(error);
    } else if (call != nullptr) {
        call->SetFailed(error.what());
    }
}

}  // namespace parley

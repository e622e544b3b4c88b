#pragma once
// Remote procedure calls (docs/rpc.md). A service is a protobuf `service` compiled with
// `option cc_generic_services = true`; a service plugin implements the generated class and
// registers it:
//
//     class EchoService final : public parley::echo::v1::Echo {
//         void Say(google::protobuf::RpcController* call, const EchoRequest* request,
//                  EchoReply* reply, google::protobuf::Closure* done) override {
//             reply->set_text(request->text());
//             done->Run();  // exactly once, from any thread, now or later
//         }
//     };
//     void setup(parley::PluginHost& host, const parley::ConfigNode&) {
//         host.add(parley::rpc_service(std::make_shared<EchoService>()));
//     }
//     PARLEY_PLUGIN("service", "echo", "echoes text", setup)
//
// The server finds the method by its full name through the descriptors, parses the request into
// the method's input type and calls it. To fail a call with a code of the one table, call
// parley::fail_call(call, Error(...)) before done->Run(); an exception thrown by the method is
// answered as INTERNAL (9000), or with its code when it is a parley::Error.
//
// The same controller, RpcCall, drives a client call: its time-out, whether it may be retried
// on another instance, the key consistent hashing uses, and afterwards the result.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <boost/config.hpp>
#include <google/protobuf/service.h>

#include <parley/error.hpp>

namespace parley {

/// What a service plugin registers (kind "service"): one protobuf service implementation.
class BOOST_SYMBOL_VISIBLE RpcService {
  public:
    static constexpr std::string_view kPluginKind = "service";
    using PluginInterface = RpcService;

    explicit RpcService(std::shared_ptr<google::protobuf::Service> implementation);
    virtual ~RpcService();
    RpcService(const RpcService&) = delete;
    RpcService& operator=(const RpcService&) = delete;

    google::protobuf::Service& implementation() const noexcept { return *implementation_; }
    /// "package.Service", as callers name it.
    const std::string& full_name() const;

  private:
    std::shared_ptr<google::protobuf::Service> implementation_;
};

inline std::shared_ptr<RpcService> rpc_service(
    std::shared_ptr<google::protobuf::Service> implementation) {
    return std::make_shared<RpcService>(std::move(implementation));
}

/// The controller of one call, on either side. Thread safe where it says so.
///
/// Caller: set the options before the call, read the result after `done` ran. Server: the
/// method reads deadline() and IsCanceled(), and fails the call with fail_call().
class BOOST_SYMBOL_VISIBLE RpcCall : public google::protobuf::RpcController {
  public:
    using Clock = std::chrono::steady_clock;

    RpcCall();
    ~RpcCall() override;
    RpcCall(const RpcCall&) = delete;
    RpcCall& operator=(const RpcCall&) = delete;

    // Caller's options.
    /// How long the call may take, retries included; 0: the channel's default.
    void set_timeout(std::chrono::milliseconds timeout) noexcept { timeout_ = timeout; }
    std::chrono::milliseconds timeout() const noexcept { return timeout_; }
    /// Whether the call may run twice: then a call whose connection was lost after it was sent
    /// is sent again to another instance. A call never sent is always tried elsewhere.
    void set_idempotent(bool idempotent) noexcept { idempotent_ = idempotent; }
    bool idempotent() const noexcept { return idempotent_; }
    /// The key the consistent-hash policy places the call by (a user id, say): calls with the
    /// same key go to the same instance while the instances stay the same.
    void set_call_key(std::uint32_t key) noexcept { call_key_ = key; }
    std::uint32_t call_key() const noexcept { return call_key_; }

    // The result.
    /// ok unless the call failed.
    ErrorCode code() const;
    /// The failure's detail for a program (`data`), often empty.
    std::string error_data() const;
    /// The instance that answered (or was tried last), for logs.
    std::string instance() const;

    // google::protobuf::RpcController.
    void Reset() override;
    bool Failed() const override;
    std::string ErrorText() const override;
    /// Caller: gives up on the call: `done` runs with CANCELLED and the server is told.
    /// Thread safe.
    void StartCancel() override;
    /// Server: fails the call with INTERNAL and `reason`; prefer fail_call() with a code.
    void SetFailed(const std::string& reason) override;
    /// Server: whether the caller cancelled or the deadline passed. Thread safe.
    bool IsCanceled() const override;
    /// Server: `callback` runs once when the call is cancelled (at once if it already is).
    void NotifyOnCancel(google::protobuf::Closure* callback) override;

    // Set by the library that runs the call; not for services or callers.
    void fail(const Error& error);
    void set_instance(std::string instance);
    /// Server: when the caller stops waiting.
    void set_deadline(Clock::time_point deadline) noexcept { deadline_ = deadline; }
    std::optional<Clock::time_point> deadline() const noexcept { return deadline_; }
    /// Marks the call cancelled and runs what NotifyOnCancel registered. Thread safe.
    void cancel();
    /// Caller side: what StartCancel() does, installed by the channel for this call.
    void on_start_cancel(std::function<void()> hook);

  private:
    mutable std::mutex mutex_;
    ErrorCode code_ = ErrorCode::ok;
    std::string message_;
    std::string data_;
    std::string instance_;
    std::chrono::milliseconds timeout_{0};
    bool idempotent_ = false;
    std::uint32_t call_key_ = 0;
    std::optional<Clock::time_point> deadline_;
    std::atomic<bool> cancelled_{false};
    google::protobuf::Closure* on_cancel_ = nullptr;
    std::function<void()> start_cancel_;
};

/// Fails a call with `error`'s code, message and data: what a service method calls instead of
/// SetFailed to answer with a code of the one table. `call` is the controller the method got.
void fail_call(google::protobuf::RpcController* call, const Error& error);

}  // namespace parley

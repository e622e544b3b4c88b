#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include <parley/asio.hpp>
#include <parley/foreign_completion.hpp>
#include <parley/rpc.hpp>

#include "rpc/service_table.hpp"

namespace google::protobuf {
class Closure;
class Message;
}  // namespace google::protobuf

namespace parley::rpc {

/// The `done` a service method is handed, and how the server learns that it ran: usually
/// inside the method, sometimes later from another thread. Only the late case costs a wait.
class CallCompletion : public std::enable_shared_from_this<CallCompletion> {
  public:
    /// A new closure for one call: runs once, deletes itself, keeps this alive until then.
    google::protobuf::Closure* closure();
    /// Whether the closure has run.
    bool ran() const;
    /// Completes, on the awaiting coroutine's executor, once the closure has run.
    asio::awaitable<void> wait();

    /// Calls `target` with a new completion as its `done`, the one way a hosted method is
    /// called. A method that throws has failed `call` (a parley::Error with its code, anything
    /// else 9000) and counts as done.
    static std::shared_ptr<CallCompletion> start(const MethodTarget& target, RpcCall& call,
                                                 google::protobuf::Message& request,
                                                 google::protobuf::Message& response);

  private:
    void run();

    mutable std::mutex mutex_;
    bool ran_ = false;
    /// The waiting coroutine, at most one (a vector: an optional trips GCC 12's
    /// maybe-uninitialized warning).
    std::vector<Completer<void>> waiter_;
};

}  // namespace parley::rpc

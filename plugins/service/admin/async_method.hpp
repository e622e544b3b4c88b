#pragma once

#include <exception>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <google/protobuf/service.h>

#include <parley/asio.hpp>

namespace parley::admin {

/// Ends a service method: records `failure` (if any) on `call`, then runs `done`.
void end_method(const std::exception_ptr& failure, google::protobuf::RpcController* call,
                google::protobuf::Closure* done);

/// Runs a method's work, a coroutine, on `executor` (the plugin's loop, never the caller's):
/// a parley::Error it throws becomes the call's failure with its code, anything else 9000;
/// `done` runs when it ends. `work` keeps what it captured until then.
template <typename Work>
void run_method(const asio::any_io_executor& executor, google::protobuf::RpcController* call,
                google::protobuf::Closure* done, Work work) {
    asio::co_spawn(executor, std::move(work), [call, done](const std::exception_ptr& failure) {
        end_method(failure, call, done);
    });
}

}  // namespace parley::admin

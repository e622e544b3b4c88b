#include "async_method.hpp"

#include <parley/rpc.hpp>

namespace parley::admin {

void end_method(const std::exception_ptr& failure, google::protobuf::RpcController* call,
                google::protobuf::Closure* done) {
    if (failure) {
        try {
            std::rethrow_exception(failure);
        } catch (const Error& error) {
            fail_call(call, error);
        } catch (const std::exception& error) {
            fail_call(call, Error(ErrorCode::internal, error.what()));
        }
    }
    done->Run();
}

}  // namespace parley::admin

#include "greeter_service.hpp"

#include <parley/rpc.hpp>

namespace acme {

void GreeterService::Greet(google::protobuf::RpcController* call,
                           const greeter::v1::GreetRequest* request, greeter::v1::GreetReply* reply,
                           google::protobuf::Closure* done) {
    if (request->name().empty()) {
        // A code of Parley's one table: callers see 3003 BAD_BODY with this message.
        parley::fail_call(call, parley::Error(parley::ErrorCode::bad_body, "name is empty"));
    } else {
        reply->set_greeting(word_ + ", " + request->name() + "!");
    }
    done->Run();  // exactly once; here before returning, but any thread may run it later
}

}  // namespace acme

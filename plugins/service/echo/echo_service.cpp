#include "echo_service.hpp"

#include <chrono>
#include <memory>

#include <boost/asio/steady_timer.hpp>

#include <parley/rpc.hpp>

namespace parley::echo {

EchoService::EchoService(asio::any_io_executor executor, std::string node_id)
    : executor_(std::move(executor)), node_id_(std::move(node_id)) {}

void EchoService::Say(google::protobuf::RpcController* call, const v1::EchoRequest* request,
                      v1::EchoReply* reply, google::protobuf::Closure* done) {
    if (request->fail_code() != 0) {
        fail_call(call, Error(static_cast<ErrorCode>(request->fail_code()),
                              "failed as asked: " + request->text()));
        done->Run();
        return;
    }
    reply->set_text(request->text());
    reply->set_node_id(node_id_);
    if (request->delay_ms() == 0) {
        done->Run();
        return;
    }
    // Answered later from another thread, as a service waiting on a backend would.
    auto timer = std::make_shared<asio::steady_timer>(
        executor_, std::chrono::milliseconds(request->delay_ms()));
    timer->async_wait([timer, done](const boost::system::error_code&) { done->Run(); });
}

}  // namespace parley::echo

#include "grpc_echo_load.hpp"

#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "grpc_echo.grpc.pb.h"

namespace parley::bench::rpc {
namespace {

using grpc_echo = parley::bench::grpc::v1::Echo;
using parley::bench::grpc::v1::EchoReply;
using parley::bench::grpc::v1::EchoRequest;

/// One outstanding call at a time; its address is the completion queue's tag. gRPC takes a
/// fresh ClientContext for every call.
struct GrpcSlot {
    EchoRequest request;
    std::unique_ptr<::grpc::ClientContext> context;
    std::unique_ptr<::grpc::ClientAsyncResponseReader<EchoReply>> reader;
    EchoReply reply;
    ::grpc::Status status;
    CallRecorder::Clock::time_point sent;
};

class GrpcEchoLoad final : public EchoLoad {
  public:
    explicit GrpcEchoLoad(const RpcBenchOptions& options)
        : options_(options),
          channel_(::grpc::CreateChannel(options.endpoint, ::grpc::InsecureChannelCredentials())),
          stub_(grpc_echo::NewStub(channel_)) {
        const std::string text(options.size, 'x');
        for (unsigned i = 0; i < options.concurrency; ++i) {
            auto slot = std::make_unique<GrpcSlot>();
            slot->request.set_text(text);
            slots_.push_back(std::move(slot));
        }
    }

    void run(CallRecorder& recorder) override {
        for (auto& slot : slots_) {
            start(*slot);
        }
        std::size_t active = slots_.size();
        void* tag = nullptr;
        bool ok = false;
        while (active > 0 && queue_.Next(&tag, &ok)) {
            auto& slot = *static_cast<GrpcSlot*>(tag);
            std::string failure;
            if (!ok || !slot.status.ok()) {
                failure = "code " + std::to_string(static_cast<int>(slot.status.error_code())) +
                          ": " + slot.status.error_message();
            } else if (slot.reply.text() != slot.request.text()) {
                failure = "the reply's text is not the request's";
            }
            if (recorder.completed(slot.sent, failure)) {
                start(slot);
            } else {
                --active;
            }
        }
        queue_.Shutdown();
        while (queue_.Next(&tag, &ok)) {
        }
    }

  private:
    void start(GrpcSlot& slot) {
        slot.context = std::make_unique<::grpc::ClientContext>();
        slot.sent = CallRecorder::Clock::now();
        // gRPC takes deadlines on the system clock only.
        slot.context->set_deadline(std::chrono::system_clock::now() + options_.call_timeout);
        slot.reply.Clear();
        slot.reader = stub_->AsyncSay(slot.context.get(), slot.request, &queue_);
        slot.reader->Finish(&slot.reply, &slot.status, &slot);
    }

    const RpcBenchOptions& options_;
    std::shared_ptr<::grpc::Channel> channel_;
    std::unique_ptr<grpc_echo::Stub> stub_;
    ::grpc::CompletionQueue queue_;
    std::vector<std::unique_ptr<GrpcSlot>> slots_;
};

}  // namespace

std::unique_ptr<EchoLoad> make_grpc_echo_load(const RpcBenchOptions& options) {
    return std::make_unique<GrpcEchoLoad>(options);
}

}  // namespace parley::bench::rpc

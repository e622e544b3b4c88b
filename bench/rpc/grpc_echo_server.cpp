// parley-grpc-echo-server: parley.bench.grpc.v1.Echo/Say on gRPC's asynchronous (completion
// queue) API, served by one thread, the peer parleyd's echo service is compared with
// (scripts/rpc-bench.sh, docs/performance.md "RPC"). It answers every call at once with the
// request's text and its node id, as parleyd's echo service does with delay_ms 0.
//
//   parley-grpc-echo-server --listen 127.0.0.1:7600 [--node-id bench] [--pending-calls 128]
//
// Prints "listening on HOST:PORT" once it serves; SIGTERM or SIGINT stops it.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "grpc_echo.grpc.pb.h"

namespace {

using parley::bench::grpc::v1::Echo;
using parley::bench::grpc::v1::EchoReply;
using parley::bench::grpc::v1::EchoRequest;

/// One call from its request to its answer; its address is the completion queue's tag. A
/// call that has arrived puts a fresh one in its place, so `pending` calls always wait.
class EchoCall {
  public:
    EchoCall(Echo::AsyncService& service, grpc::ServerCompletionQueue& queue,
             const std::string& node_id)
        : service_(service), queue_(queue), node_id_(node_id), responder_(&context_) {
        service_.RequestSay(&context_, &request_, &responder_, &queue_, &queue_, this);
    }

    /// The queue handed this call back: its request arrived, or its answer was sent.
    void proceed(bool ok) {
        if (answered_ || !ok) {
            delete this;
            return;
        }
        new EchoCall(service_, queue_, node_id_);
        reply_.set_text(request_.text());
        reply_.set_node_id(node_id_);
        answered_ = true;
        responder_.Finish(reply_, grpc::Status::OK, this);
    }

  private:
    Echo::AsyncService& service_;
    grpc::ServerCompletionQueue& queue_;
    const std::string& node_id_;
    grpc::ServerContext context_;
    EchoRequest request_;
    EchoReply reply_;
    grpc::ServerAsyncResponseWriter<EchoReply> responder_;
    bool answered_ = false;
};

struct ServerOptions {
    std::string listen = "127.0.0.1:0";
    std::string node_id = "bench";
    unsigned pending_calls = 128;
};

bool parse(int argc, char** argv, ServerOptions& options) {
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view name = argv[i];
        if (name == "--listen") {
            options.listen = argv[i + 1];
        } else if (name == "--node-id") {
            options.node_id = argv[i + 1];
        } else if (name == "--pending-calls") {
            options.pending_calls = static_cast<unsigned>(std::strtoul(argv[i + 1], nullptr, 10));
        } else {
            return false;
        }
    }
    return argc % 2 == 1 && options.pending_calls > 0;
}

}  // namespace

int main(int argc, char** argv) {
    ServerOptions options;
    if (!parse(argc, argv, options)) {
        std::fprintf(stderr,
                     "usage: parley-grpc-echo-server [--listen HOST:PORT] [--node-id ID] "
                     "[--pending-calls N]\n");
        return 2;
    }
    // Blocked before gRPC starts its own threads, so only sigwait below takes them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    Echo::AsyncService service;
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort(options.listen, grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service);
    std::unique_ptr<grpc::ServerCompletionQueue> queue = builder.AddCompletionQueue();
    std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
    if (!server || port == 0) {
        std::fprintf(stderr, "parley-grpc-echo-server: cannot listen on %s\n",
                     options.listen.c_str());
        return 1;
    }
    const std::string host = options.listen.substr(0, options.listen.rfind(':'));
    std::printf("listening on %s:%d\n", host.c_str(), port);
    std::fflush(stdout);

    // The one thread that serves: it polls the queue and answers every call.
    std::thread serving([&] {
        for (unsigned i = 0; i < options.pending_calls; ++i) {
            new EchoCall(service, *queue, options.node_id);
        }
        void* tag = nullptr;
        bool ok = false;
        while (queue->Next(&tag, &ok)) {
            static_cast<EchoCall*>(tag)->proceed(ok);
        }
    });

    int signal = 0;
    sigwait(&stop_signals, &signal);
    server->Shutdown();
    queue->Shutdown();
    serving.join();
    return 0;
}

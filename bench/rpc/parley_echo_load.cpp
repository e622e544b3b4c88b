#include "parley_echo_load.hpp"

#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <parley/client/rpc_channel.hpp>
#include <parley/rpc.hpp>

#include "parley/echo/v1/echo.pb.h"

namespace parley::bench::rpc {
namespace {

class ParleyEchoLoad;

client::RpcChannelOptions channel_options(const RpcBenchOptions& options) {
    client::RpcChannelOptions channel;
    channel.default_timeout = options.call_timeout;
    return channel;
}

/// One outstanding call at a time: the call's `done`, which starts the next one.
class ParleySlot final : public google::protobuf::Closure {
  public:
    ParleySlot(ParleyEchoLoad& load, const std::string& text) : load_(load) {
        request_.set_text(text);
    }
    void start();
    void Run() override;

  private:
    ParleyEchoLoad& load_;
    RpcCall call_;
    echo::v1::EchoRequest request_;
    echo::v1::EchoReply reply_;
    CallRecorder::Clock::time_point sent_;
};

class ParleyEchoLoad final : public EchoLoad {
  public:
    explicit ParleyEchoLoad(const RpcBenchOptions& options)
        : options_(options),
          channel_(io_.get_executor(), client::fixed_targets({options.endpoint}),
                   channel_options(options)),
          stub_(&channel_) {
        const std::string text(options.size, 'x');
        for (unsigned i = 0; i < options.concurrency; ++i) {
            slots_.push_back(std::make_unique<ParleySlot>(*this, text));
        }
    }

    void run(CallRecorder& recorder) override {
        recorder_ = &recorder;
        active_ = slots_.size();
        boost::asio::post(io_, [this] {
            for (auto& slot : slots_) {
                slot->start();
            }
        });
        io_.run();
    }

    echo::v1::Echo_Stub& stub() { return stub_; }
    CallRecorder& recorder() { return *recorder_; }
    const RpcBenchOptions& options() const { return options_; }

    /// A slot stops after the window; the last one closes the channel, which ends io_.run().
    void slot_stopped() {
        if (--active_ == 0) {
            channel_.close();
        }
    }

  private:
    const RpcBenchOptions& options_;
    boost::asio::io_context io_{1};
    client::RpcChannel channel_;
    echo::v1::Echo_Stub stub_;
    std::vector<std::unique_ptr<ParleySlot>> slots_;
    CallRecorder* recorder_ = nullptr;
    std::size_t active_ = 0;
};

void ParleySlot::start() {
    call_.Reset();
    call_.set_timeout(load_.options().call_timeout);
    reply_.Clear();
    sent_ = CallRecorder::Clock::now();
    load_.stub().Say(&call_, &request_, &reply_, this);
}

void ParleySlot::Run() {
    std::string failure;
    if (call_.Failed()) {
        failure =
            "code " + std::to_string(static_cast<int>(call_.code())) + ": " + call_.ErrorText();
    } else if (reply_.text() != request_.text()) {
        failure = "the reply's text is not the request's";
    }
    if (load_.recorder().completed(sent_, failure)) {
        start();
    } else {
        load_.slot_stopped();
    }
}

}  // namespace

std::unique_ptr<EchoLoad> make_parley_echo_load(const RpcBenchOptions& options) {
    return std::make_unique<ParleyEchoLoad>(options);
}

}  // namespace parley::bench::rpc

#include "node_forwarder.hpp"

#include <chrono>

#include <parley/foreign_completion.hpp>
#include <parley/rpc.hpp>

namespace parley::admin {
namespace {

/// The instances of a service that one node offers: the registry's list, filtered by id.
class OneNodeTargets final : public client::RpcTargets {
  public:
    OneNodeTargets(std::shared_ptr<client::RpcTargets> all, std::string node_id)
        : all_(std::move(all)), node_id_(std::move(node_id)) {}

    asio::awaitable<std::vector<ServiceInstance>> instances(std::string service) override {
        std::vector<ServiceInstance> listed = co_await all_->instances(service);
        std::erase_if(listed,
                      [this](const ServiceInstance& instance) { return instance.id != node_id_; });
        co_return listed;
    }

  private:
    std::shared_ptr<client::RpcTargets> all_;
    std::string node_id_;
};

/// How long a forwarded call may take: a node that holds the user answers at once.
constexpr std::chrono::seconds kForwardTimeout{5};

}  // namespace

NodeForwarder::NodeForwarder(asio::any_io_executor executor, Registry& registry)
    : executor_(std::move(executor)),
      // The registry lives as long as the node, longer than this plugin's objects.
      registry_targets_(client::registry_targets(
          std::shared_ptr<Registry>(std::shared_ptr<Registry>{}, &registry))) {}

v1::Admin_Stub& NodeForwarder::stub_for(const std::string& node_id) {
    auto& stub = stubs_[node_id];
    if (!stub) {
        auto& channel = channels_[node_id];
        channel = std::make_unique<client::RpcChannel>(
            executor_, std::make_shared<OneNodeTargets>(registry_targets_, node_id));
        stub = std::make_unique<v1::Admin_Stub>(channel.get());
    }
    return *stub;
}

asio::awaitable<v1::KickReply> NodeForwarder::kick(std::string node_id, v1::KickRequest request) {
    request.set_here_only(true);
    auto call = std::make_shared<RpcCall>();
    call->set_timeout(kForwardTimeout);
    call->set_idempotent(true);  // closing a closed session again changes nothing
    auto reply = std::make_shared<v1::KickReply>();
    auto sent = std::make_shared<v1::KickRequest>(std::move(request));
    v1::Admin_Stub& stub = stub_for(node_id);
    // Named, not a temporary inside co_await (GCC 12 destroys those too early).
    auto start = [&stub, call, reply, sent](Completer<void> finished) {
        stub.Kick(call.get(), sent.get(), reply.get(),
                  google::protobuf::NewCallback(
                      +[](Completer<void>* done) {
                          done->set_value();
                          delete done;
                      },
                      new Completer<void>(std::move(finished))));
    };
    co_await await_foreign<void>(std::move(start));
    if (call->Failed()) {
        // A node the store names but the registry no longer lists (it is leaving, or gone and
        // its users not yet expired) cannot be asked either.
        const ErrorCode code =
            call->code() == ErrorCode::unknown_service ? ErrorCode::unavailable : call->code();
        throw Error(code, "node " + node_id + " could not be asked: " + call->ErrorText(),
                    call->error_data());
    }
    co_return *reply;
}

}  // namespace parley::admin

#include "client/client_harness.hpp"

#include <parley/client/fixed_discovery.hpp>
#include <parley/client/server_picker.hpp>

namespace parley::client::test {

using std::chrono::milliseconds;

ClientOptions test_options(UserId user) {
    ClientOptions options;
    options.user_id = user;
    options.token = "token-" + std::to_string(user);
    options.client_name = "client-test";
    options.backoff = {milliseconds{10}, milliseconds{50}, 2.0};
    options.connect_timeout = milliseconds{3000};
    return options;
}

ClientHarness::ClientHarness(const std::vector<std::string>& servers, ClientOptions options,
                             std::string_view policy)
    : client_(Client::create(io_.get_executor(), std::move(options),
                             std::make_shared<FixedDiscovery>(servers),
                             make_server_picker(policy, 1))) {
    client_->set_events(record_into(events_));
}

ClientHarness::ClientHarness(const DiscoveryFactory& make_discovery, ClientOptions options,
                             std::string_view policy)
    : client_(Client::create(io_.get_executor(), std::move(options),
                             make_discovery(io_.get_executor()), make_server_picker(policy, 1))) {
    client_->set_events(record_into(events_));
}

ClientHarness::~ClientHarness() {
    if (thread_.joinable()) {
        client_->stop();
        // Every way of stopping ends with an on_disconnected that will not reconnect.
        events_.wait_contains(" retry=0 ", milliseconds{5000});
        work_.reset();
        io_.stop();
        thread_.join();
    }
}

void ClientHarness::start() {
    client_->start();
    thread_ = std::thread([this] { io_.run(); });
}

}  // namespace parley::client::test

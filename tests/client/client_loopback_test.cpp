// The Client against FakeServer over loopback TCP: login, requests, heartbeats, reconnects.

#include <condition_variable>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <parley/client/client.hpp>
#include <parley/client/fixed_discovery.hpp>

#include "fake_server.hpp"
#include "parley.pb.h"

namespace parley::client {
namespace {

using std::chrono::milliseconds;
using test::FakeServer;

/// Client events as short strings, waited for by prefix.
class Recorder {
  public:
    void add(std::string event) {
        {
            std::lock_guard lock(mutex_);
            events_.push_back(std::move(event));
        }
        changed_.notify_all();
    }
    /// Waits for an event starting with `prefix` after the one the previous wait returned.
    std::optional<std::string> wait_for(const std::string& prefix,
                                        milliseconds timeout = milliseconds{5000}) {
        std::unique_lock lock(mutex_);
        std::optional<std::string> found;
        changed_.wait_for(lock, timeout, [&] {
            for (std::size_t i = consumed_; i < events_.size(); ++i) {
                if (events_[i].starts_with(prefix)) {
                    found = events_[i];
                    consumed_ = i + 1;
                    return true;
                }
            }
            return false;
        });
        return found;
    }
    bool contains(std::string_view needle) {
        std::lock_guard lock(mutex_);
        return std::any_of(events_.begin(), events_.end(),
                           [&](const auto& e) { return e.find(needle) != std::string::npos; });
    }
    int count(const std::string& prefix) {
        std::lock_guard lock(mutex_);
        return static_cast<int>(std::count_if(
            events_.begin(), events_.end(), [&](const auto& e) { return e.starts_with(prefix); }));
    }
    std::string all() {
        std::lock_guard lock(mutex_);
        std::string text;
        for (const auto& event : events_) {
            text += event + "\n";
        }
        return text;
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::string> events_;
    std::size_t consumed_ = 0;
};

ClientEvents record_into(Recorder& recorder) {
    ClientEvents events;
    events.on_connected = [&recorder](const ConnectedInfo& info) {
        recorder.add("connected " + info.node_id + " " + info.endpoint +
                     " hb=" + std::to_string(info.heartbeat_interval.count()));
    };
    events.on_disconnected = [&recorder](const DisconnectedInfo& info) {
        recorder.add(std::string("disconnected was=") + (info.was_connected ? "1" : "0") +
                     " retry=" + (info.will_reconnect ? "1" : "0") +
                     " refused=" + (info.login_refused ? "1" : "0") +
                     " caller=" + (info.stopped_by_caller ? "1" : "0") + " " + info.endpoint + " " +
                     info.reason);
    };
    events.on_message = [&recorder](const ChatEvent& event) {
        recorder.add(std::string(event.kind == ChatKind::group_message ? "group " : "msg ") +
                     std::to_string(event.from) + " " + std::to_string(event.to) + " " +
                     std::to_string(event.client_msg_id) + " " + event.content);
    };
    events.on_ack = [&recorder](std::uint64_t id, std::uint64_t server_id) {
        recorder.add("ack " + std::to_string(id) + " " + std::to_string(server_id));
    };
    events.on_error = [&recorder](const ServerError& error) {
        recorder.add("error " + std::to_string(static_cast<std::uint32_t>(error.code)) + " " +
                     std::to_string(error.ref_id) + " " + error.message);
    };
    events.on_presence = [&recorder](const UserPage& page) {
        std::string text =
            "users " + std::to_string(page.client_msg_id) + " total=" + std::to_string(page.total);
        for (UserId user : page.users) {
            text += " " + std::to_string(user);
        }
        recorder.add(text);
    };
    events.on_goodbye = [&recorder](ErrorCode code, const std::string&) {
        recorder.add("goodbye " + std::to_string(static_cast<std::uint32_t>(code)));
    };
    events.on_frame = [&recorder](const Frame& frame) {
        recorder.add("frame " + std::to_string(frame.raw_type()) + " " +
                     std::to_string(frame.body().size()));
    };
    return events;
}

bool eventually(const std::function<bool()>& condition, milliseconds timeout = milliseconds{5000}) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > deadline) {
            return false;
        }
        std::this_thread::sleep_for(milliseconds{5});
    }
    return true;
}

ClientOptions fast_options() {
    ClientOptions options;
    options.user_id = 1;
    options.token = "token-1";
    options.client_name = "loopback-test";
    options.backoff = {milliseconds{10}, milliseconds{50}, 2.0};
    options.connect_timeout = milliseconds{2000};
    return options;
}

/// A client on its own io_context thread.
class ClientHarness {
  public:
    ClientHarness(const std::vector<std::string>& servers, ClientOptions options,
                  std::string_view policy = "round-robin")
        : client_(Client::create(io_.get_executor(), std::move(options),
                                 std::make_shared<FixedDiscovery>(servers),
                                 make_server_picker(policy, 1))) {
        client_->set_events(record_into(events_));
    }
    ~ClientHarness() {
        client_->stop();
        eventually([this] { return events_.contains(" retry=0 "); }, milliseconds{1000});
        work_.reset();
        io_.stop();
        if (thread_.joinable()) {
            thread_.join();
        }
    }
    void start() {
        client_->start();
        thread_ = std::thread([this] { io_.run(); });
    }
    Client& client() { return *client_; }
    Recorder& events() { return events_; }

  private:
    asio::io_context io_;
    asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
    Recorder events_;
    std::shared_ptr<Client> client_;
    std::thread thread_;
};

TEST(ClientLoopback, LogsInAndGetsAnswers) {
    FakeServer server({.node_id = "n1", .heartbeat_interval_ms = 4000, .echo_chat = true});
    ClientHarness harness({server.endpoint()}, fast_options());
    harness.start();
    ASSERT_TRUE(harness.events().wait_for("connected n1 " + server.endpoint() + " hb=4000"))
        << harness.events().all();

    EXPECT_EQ(harness.client().send_private(2, "hello"), 1u);
    EXPECT_TRUE(harness.events().wait_for("ack 1 100")) << harness.events().all();
    EXPECT_TRUE(harness.events().wait_for("msg 99 2 1 hello")) << harness.events().all();
    EXPECT_EQ(harness.client().send_group(7, "hi all"), 2u);
    EXPECT_TRUE(harness.events().wait_for("group 99 7 2 hi all")) << harness.events().all();
    EXPECT_EQ(harness.client().join(7), 3u);
    EXPECT_TRUE(harness.events().wait_for("ack 3 ")) << harness.events().all();
    EXPECT_EQ(harness.client().list_users(), 4u);
    EXPECT_TRUE(harness.events().wait_for("users 4 total=3 1 2 3")) << harness.events().all();

    const auto frames = server.received();
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(frames.front().type(), FrameType::handshake);
    EXPECT_EQ(frames.front().sender(), kNoUser) << "docs/protocol.md: the handshake's sender is 0";
    wire::Handshake handshake;
    ASSERT_TRUE(frames.front().parse_body(handshake));
    EXPECT_EQ(handshake.user_id(), 1u);
    EXPECT_EQ(handshake.token(), "token-1");
    EXPECT_EQ(handshake.client_name(), "loopback-test");
}

TEST(ClientLoopback, RequestsBeforeLoginWaitForIt) {
    FakeServer server({});
    ClientHarness harness({server.endpoint()}, fast_options());
    const auto id = harness.client().send_private(2, "early");
    harness.start();
    EXPECT_TRUE(harness.events().wait_for("ack " + std::to_string(id))) << harness.events().all();
    const auto frames = server.received();
    ASSERT_GE(frames.size(), 2u);
    EXPECT_EQ(frames[0].type(), FrameType::handshake) << "the handshake goes first";
    EXPECT_EQ(frames[1].type(), FrameType::private_message);
}

TEST(ClientLoopback, ARefusedLoginIsReportedAndNotRetried) {
    FakeServer server({.refuse_login = ErrorCode::duplicate_login});
    ClientHarness harness({server.endpoint()}, fast_options());
    harness.start();
    EXPECT_TRUE(harness.events().wait_for("error 1002 0")) << harness.events().all();
    const auto end = harness.events().wait_for("disconnected was=0 retry=0 refused=1");
    ASSERT_TRUE(end) << harness.events().all();
    EXPECT_NE(end->find("login refused: 1002 DUPLICATE_LOGIN"), std::string::npos) << *end;
    std::this_thread::sleep_for(milliseconds{200});  // many back-off periods
    EXPECT_EQ(server.connections(), 1);
    harness.client().send_private(2, "too late");
    EXPECT_TRUE(harness.events().wait_for("error 2000 1 not sent")) << harness.events().all();
}

TEST(ClientLoopback, OtherHandshakeErrorsAreRetried) {
    FakeServer server({.refuse_login = ErrorCode::backend_unavailable});
    ClientHarness harness({server.endpoint()}, fast_options());
    harness.start();
    EXPECT_TRUE(eventually([&] { return server.connections() >= 3; })) << harness.events().all();
    EXPECT_TRUE(harness.events().wait_for("disconnected was=0 retry=1 refused=0"));
}

TEST(ClientLoopback, UnansweredHeartbeatsEndTheConnection) {
    FakeServer server({.echo_heartbeats = false});
    auto options = fast_options();
    options.heartbeat_interval = milliseconds{20};
    options.max_missed_heartbeats = 2;
    ClientHarness harness({server.endpoint()}, options);
    harness.start();
    const auto end = harness.events().wait_for("disconnected was=1 retry=1");
    ASSERT_TRUE(end) << harness.events().all();
    EXPECT_NE(end->find("no reply to 2 heartbeats"), std::string::npos) << *end;
    EXPECT_TRUE(eventually([&] { return server.logins() >= 2; })) << "and it logs in again";
}

TEST(ClientLoopback, AnsweredHeartbeatsKeepTheConnection) {
    FakeServer server({});
    auto options = fast_options();
    options.heartbeat_interval = milliseconds{10};
    options.max_missed_heartbeats = 2;
    ClientHarness harness({server.endpoint()}, options);
    harness.start();
    ASSERT_TRUE(harness.events().wait_for("connected fake"));
    EXPECT_TRUE(eventually([&] { return server.heartbeats() >= 10; }));
    EXPECT_EQ(server.connections(), 1);
    EXPECT_EQ(harness.events().count("disconnected"), 0) << harness.events().all();
}

TEST(ClientLoopback, TheServersHeartbeatIntervalIsTheDefault) {
    FakeServer server({.heartbeat_interval_ms = 15});
    ClientHarness harness({server.endpoint()}, fast_options());
    harness.start();
    ASSERT_TRUE(harness.events().wait_for("connected fake " + server.endpoint() + " hb=15"));
    EXPECT_TRUE(eventually([&] { return server.heartbeats() >= 5; }));
}

TEST(ClientLoopback, AfterADropItPrefersAnotherServer) {
    for (const auto& policy : server_policy_names()) {
        FakeServer a({.node_id = "a"});
        FakeServer b({.node_id = "b"});
        ClientHarness harness({a.endpoint(), b.endpoint()}, fast_options(), policy);
        harness.start();
        auto first = harness.events().wait_for("connected ");
        ASSERT_TRUE(first) << policy << "\n" << harness.events().all();
        const bool on_a = first->starts_with("connected a ");
        (on_a ? a : b).drop_connections();
        EXPECT_TRUE(harness.events().wait_for("disconnected was=1 retry=1")) << policy;
        EXPECT_TRUE(harness.events().wait_for(on_a ? "connected b " : "connected a "))
            << policy << "\n"
            << harness.events().all();
    }
}

TEST(ClientLoopback, GoodbyeMeansReconnectUnlessReplaced) {
    {
        FakeServer server({.goodbye_after_login = ErrorCode::server_shutdown});
        ClientHarness harness({server.endpoint()}, fast_options());
        harness.start();
        EXPECT_TRUE(harness.events().wait_for("goodbye 5003"));
        EXPECT_TRUE(eventually([&] { return server.logins() >= 2; })) << harness.events().all();
    }
    {
        FakeServer server({.goodbye_after_login = ErrorCode::session_replaced});
        ClientHarness harness({server.endpoint()}, fast_options());
        harness.start();
        EXPECT_TRUE(harness.events().wait_for("goodbye 1004"));
        EXPECT_TRUE(harness.events().wait_for("disconnected was=1 retry=0"))
            << harness.events().all();
        std::this_thread::sleep_for(milliseconds{150});
        EXPECT_EQ(server.connections(), 1) << "reconnecting would log the newer session out";
    }
}

TEST(ClientLoopback, ASilentServerTimesOutTheHandshake) {
    FakeServer server({.answer_handshake = false});
    auto options = fast_options();
    options.connect_timeout = milliseconds{100};
    ClientHarness harness({server.endpoint()}, options);
    harness.start();
    const auto end = harness.events().wait_for("disconnected was=0 retry=1");
    ASSERT_TRUE(end) << harness.events().all();
    EXPECT_NE(end->find("no login within 100 ms"), std::string::npos) << *end;
}

TEST(ClientLoopback, ARefusedConnectionIsRetried) {
    std::string endpoint;
    {
        FakeServer gone({});
        endpoint = gone.endpoint();
    }
    ClientHarness harness({endpoint}, fast_options());
    harness.start();
    for (int i = 0; i < 3; ++i) {
        const auto end = harness.events().wait_for("disconnected was=0 retry=1");
        ASSERT_TRUE(end) << harness.events().all();
        EXPECT_NE(end->find("connect to " + endpoint + " failed"), std::string::npos) << *end;
    }
}

TEST(ClientLoopback, StopEndsForGoodAndRefusesLaterRequests) {
    FakeServer server({});
    ClientHarness harness({server.endpoint()}, fast_options());
    harness.start();
    ASSERT_TRUE(harness.events().wait_for("connected fake"));
    harness.client().stop();
    const auto end = harness.events().wait_for("disconnected was=1 retry=0 refused=0 caller=1");
    ASSERT_TRUE(end) << harness.events().all();
    EXPECT_NE(end->find("stopped by the caller"), std::string::npos);
    const auto id = harness.client().send_private(2, "after stop");
    EXPECT_TRUE(harness.events().wait_for("error 2000 " + std::to_string(id)));
    std::this_thread::sleep_for(milliseconds{100});
    EXPECT_EQ(server.connections(), 1);
}

TEST(ClientLoopback, NoReconnectOptionStopsAfterADrop) {
    FakeServer server({});
    auto options = fast_options();
    options.reconnect = false;
    ClientHarness harness({server.endpoint()}, options);
    harness.start();
    ASSERT_TRUE(harness.events().wait_for("connected fake"));
    server.drop_connections();
    EXPECT_TRUE(harness.events().wait_for("disconnected was=1 retry=0 refused=0 caller=0"))
        << harness.events().all();
}

TEST(ClientLoopback, PluginFramesComeBackThroughOnFrame) {
    FakeServer server({});
    ClientHarness harness({server.endpoint()}, fast_options());
    harness.start();
    ASSERT_TRUE(harness.events().wait_for("connected fake"));
    const std::uint8_t body[] = {1, 2, 3};
    harness.client().send_raw(Frame::make(FrameType{0x80}, 1, 0, body));
    EXPECT_TRUE(harness.events().wait_for("frame 128 3")) << harness.events().all();
}

TEST(ClientLoopback, ErrorsWithoutRefIdAreMatchedToTheOldestRequestOfTheirType) {
    FakeServer server({.answer = FakeServer::Behaviour::Answer::rate_limited_without_ref});
    ClientHarness harness({server.endpoint()}, fast_options());
    harness.start();
    ASSERT_TRUE(harness.events().wait_for("connected fake"));
    const auto join = harness.client().join(5);
    const auto first = harness.client().send_private(2, "one");
    const auto second = harness.client().send_private(2, "two");
    EXPECT_TRUE(harness.events().wait_for("error 4000 " + std::to_string(join)));
    EXPECT_TRUE(harness.events().wait_for("error 4000 " + std::to_string(first)));
    EXPECT_TRUE(harness.events().wait_for("error 4000 " + std::to_string(second)))
        << harness.events().all();
}

TEST(ClientLoopback, RequestsLostWithTheConnectionGetAnAnswer) {
    FakeServer server({.answer = FakeServer::Behaviour::Answer::nothing});
    ClientHarness harness({server.endpoint()}, fast_options());
    harness.start();
    ASSERT_TRUE(harness.events().wait_for("connected fake"));
    const auto id = harness.client().send_private(2, "into the void");
    ASSERT_TRUE(eventually([&] { return server.received().size() >= 2; }));
    server.drop_connections();
    const auto lost = harness.events().wait_for("error 2000 " + std::to_string(id));
    ASSERT_TRUE(lost) << harness.events().all();
    EXPECT_NE(lost->find("no answer"), std::string::npos) << *lost;
}

}  // namespace
}  // namespace parley::client

// Two parley-cli processes chat through a real parleyd, in script mode, as a user would drive
// them from a shell.
#include <thread>

#include <signal.h>

#include "integration/node_fixture.hpp"
#include "support/child_process.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;

class TerminalClientTest : public NodeTest {
  protected:
    /// Starts parley-cli for `user` reading `script` from stdin; returns its pid.
    pid_t start_cli(UserId user, const std::string& script, const std::string& name) {
        const auto input = write_file(dir.path() / (name + ".in"), script);
        const std::filesystem::path cli =
            DaemonProcess::default_binary().parent_path() / "parley-cli";
        const pid_t pid =
            spawn_logged(cli, {"--server", daemon->endpoint(), "--user", std::to_string(user)},
                         dir.path() / (name + ".out"), input);
        pids_.push_back(pid);
        return pid;
    }
    std::string output(const std::string& name) { return read_file(dir.path() / (name + ".out")); }

    /// Waits until `name`'s output holds `text`; false after `timeout`.
    bool wait_for_output(const std::string& name, const std::string& text,
                         std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            if (output(name).find(text) != std::string::npos) {
                return true;
            }
            std::this_thread::sleep_for(20ms);
        }
        return false;
    }

    /// Reaps `pid` once it exits; nothing while it still runs after `timeout`.
    std::optional<int> wait_cli(pid_t pid, std::chrono::milliseconds timeout) {
        auto status = wait_for_exit(pid, timeout);
        if (status) {
            std::erase(pids_, pid);
        }
        return status;
    }

    void TearDown() override {
        for (const pid_t pid : pids_) {
            if (!wait_for_exit(pid, 0ms)) {
                ::kill(pid, SIGKILL);
                wait_for_exit(pid, 5s);
            }
        }
    }

    std::vector<pid_t> pids_;
};

TEST_F(TerminalClientTest, TwoClientsChatThroughTheBroker) {
    start();
    const pid_t bob = start_cli(2,
                                "/wait connected 5000\n"
                                "/wait msg 10000\n"
                                "/msg 1 hi alice\n"
                                "/wait ack 5000\n",
                                "bob");
    ASSERT_TRUE(wait_for_output("bob", "connected node=test-node", 10s)) << output("bob");
    const pid_t alice = start_cli(1,
                                  "/wait connected 5000\n"
                                  "/users\n"
                                  "/wait users 5000\n"
                                  "/msg 2 hello bob\n"
                                  "/wait ack 5000\n"
                                  "/wait msg 10000\n",
                                  "alice");
    const auto alice_status = wait_cli(alice, 20s);
    const auto bob_status = wait_cli(bob, 20s);
    ASSERT_TRUE(alice_status.has_value()) << output("alice");
    ASSERT_TRUE(bob_status.has_value()) << output("bob");
    EXPECT_EQ(*alice_status, 0) << output("alice");
    EXPECT_EQ(*bob_status, 0) << output("bob");

    EXPECT_NE(output("alice").find("users total=2 next=0 list=1,2"), std::string::npos)
        << output("alice");
    EXPECT_NE(output("bob").find("msg from=1 to=2 id=2 text=hello bob"), std::string::npos)
        << output("bob");
    EXPECT_NE(output("alice").find("msg from=2 to=1 id=1 text=hi alice"), std::string::npos)
        << output("alice");
}

TEST_F(TerminalClientTest, ARefusedLoginStopsWithAnErrorAndExitStatus) {
    config.duplicate_login = "reject";
    start();
    auto holder = login(3);
    const pid_t second = start_cli(3, "/wait connected 3000\n", "second");
    const auto status = wait_cli(second, 15s);
    ASSERT_TRUE(status.has_value()) << output("second");
    EXPECT_NE(*status, 0) << output("second");
    EXPECT_NE(output("second").find("error code=1002 name=DUPLICATE_LOGIN"), std::string::npos)
        << output("second");
}

TEST_F(TerminalClientTest, OnALogNodeHistoryAndUnreadCountsArePrinted) {
    config.extra_handlers = {"sync"};
    config.extra_yaml = "message_log: {plugin: memory}\n";
    start();
    const pid_t alice = start_cli(1,
                                  "/wait connected 5000\n"
                                  "/msg 2 first\n"
                                  "/wait ack id=1 5000\n"
                                  "/msg 2 second\n"
                                  "/wait ack id=2 5000\n"
                                  "/history 2\n"
                                  "/wait history 5000\n",
                                  "alice");
    const auto alice_status = wait_cli(alice, 20s);
    ASSERT_TRUE(alice_status.has_value()) << output("alice");
    EXPECT_EQ(*alice_status, 0) << output("alice");
    EXPECT_NE(output("alice").find("history id=3 of=2 count=2 first_seq=1\n"
                                   "history-msg from=1 to=2 id=1 seq=1 text=first\n"
                                   "history-msg from=1 to=2 id=2 seq=2 text=second\n"),
              std::string::npos)
        << output("alice");

    // Bob was offline: the login's sync brings both, once each, and says they are unread.
    const pid_t bob = start_cli(2,
                                "/wait connected 5000\n"
                                "/wait sync 5000\n"
                                "/sleep 300\n",
                                "bob");
    const auto bob_status = wait_cli(bob, 20s);
    ASSERT_TRUE(bob_status.has_value()) << output("bob");
    EXPECT_EQ(*bob_status, 0) << output("bob");
    const std::string seen = output("bob");
    EXPECT_NE(seen.find("msg from=1 to=2 id=1 seq=1 text=first\n"
                        "msg from=1 to=2 id=2 seq=2 text=second\n"
                        "sync more=no unread=1:2 lost=\n"),
              std::string::npos)
        << seen;
    EXPECT_EQ(seen.find("text=first"), seen.rfind("text=first")) << seen;
}

}  // namespace
}  // namespace parley::test

// What only the durable log promises: message-log-sqlite keeps its data, positions and epoch
// across a restart and a crash, and says clearly when it cannot work.

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <parley/error.hpp>

#include "plugins/message-log/message_log_test_support.hpp"
#include "plugins/plugin_test_host.hpp"
#include "support/temp_dir.hpp"

namespace parley::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class SqliteLogTest : public ::testing::Test {
  protected:
    std::string settings_for(const std::filesystem::path& path) const {
        return "path: " + path.string() + "\n";
    }
    /// A fresh host with the plugin loaded on `path`: a restart of the node.
    std::unique_ptr<PluginTestHost> open(const std::filesystem::path& path) {
        auto host = std::make_unique<PluginTestHost>();
        host->load("message-log", "sqlite", settings_for(path));
        return host;
    }
    /// The ConfigError or parley::Error text of loading with `yaml`; "" when it loaded.
    std::string load_error(const std::string& yaml) {
        try {
            PluginTestHost host;
            host.load("message-log", "sqlite", yaml);
        } catch (const ConfigError& e) {
            return std::string{"ConfigError: "} + e.what();
        } catch (const std::exception& e) {
            return e.what();
        }
        return "";
    }

    TempDir dir{"parley-message-log-sqlite"};
    std::filesystem::path db = dir.file("log.db");
};
// ctest -R message_log selects these.
using message_log_sqlite = SqliteLogTest;

TEST_F(message_log_sqlite, MessagesAndPositionsSurviveReopening) {
    std::uint64_t epoch = 0;
    {
        auto host = open(db);
        MessageLog& log = *host->message_log;
        append_text(log, Conversation::direct(1, 2), 1, 11, "hello");
        append_text(log, Conversation::direct(1, 2), 2, 0, "hi");
        append_text(log, Conversation::group(5), 2, 0, "all");
        run_awaitable(log.acknowledge(1, Conversation::direct(1, 2), 2));
        epoch = run_awaitable(log.read(Conversation::group(5), 0, 1)).epoch;
    }
    auto host = open(db);
    MessageLog& log = *host->message_log;
    const MessagePage page = run_awaitable(log.read(Conversation::direct(1, 2), 0, 10));
    ASSERT_THAT(seqs_of(page), ElementsAre(1u, 2u));
    EXPECT_EQ(text_of(page.messages[0].frame), "hello");
    EXPECT_EQ(page.messages[0].frame.sender(), 1u);
    EXPECT_EQ(page.epoch, epoch);

    const auto positions = run_awaitable(log.positions(1, {5}));
    ASSERT_EQ(positions.size(), 2u);
    EXPECT_EQ(positions[0].acked, 2u);
    EXPECT_EQ(positions[1].last_seq, 1u);

    // Sequences and deduplication continue where they were.
    EXPECT_EQ(append_text(log, Conversation::direct(1, 2), 1, 0, "next").seq, 3u);
    const AppendResult again = append_text(log, Conversation::direct(1, 2), 1, 11, "hello");
    EXPECT_TRUE(again.duplicate);
    EXPECT_EQ(again.seq, 1u);
}

TEST_F(message_log_sqlite, MessagesOlderThanMaxAgeAreDroppedAndDedupExpires) {
    PluginTestHost host;
    host.load("message-log", "sqlite", settings_for(db) + "max_age: 50ms\ndedup_window: 50ms\n");
    MessageLog& log = *host.message_log;
    const auto group = Conversation::group(4);
    append_text(log, group, 1, 7, "old");
    append_text(log, group, 1, 0, "old too");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // both expire
    const AppendResult fresh = append_text(log, group, 1, 7, "new");
    EXPECT_FALSE(fresh.duplicate);
    EXPECT_EQ(fresh.seq, 3u);

    const MessagePage page = run_awaitable(log.read(group, 0, 10));
    EXPECT_THAT(seqs_of(page), ElementsAre(3u));
    EXPECT_EQ(page.first_seq, 3u);
    EXPECT_EQ(page.last_seq, 3u);
}

TEST_F(message_log_sqlite, EpochDiffersForANewFile) {
    const auto epoch_of = [this](const std::filesystem::path& path) {
        auto host = open(path);
        return run_awaitable(host->message_log->read(Conversation::group(1), 0, 1)).epoch;
    };
    const std::uint64_t first = epoch_of(db);
    EXPECT_EQ(epoch_of(db), first);
    EXPECT_NE(epoch_of(dir.file("other.db")), first);
}

TEST_F(message_log_sqlite, AnAppendThatCompletedSurvivesSigkill) {
    int pipe_fds[2];
    ASSERT_EQ(::pipe(pipe_fds), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        // The child appends without end and reports each seq once its append completed.
        ::close(pipe_fds[0]);
        try {
            auto host = open(db);
            for (std::uint64_t i = 1;; ++i) {
                const AppendResult result = append_text(*host->message_log, Conversation::group(1),
                                                        1, i, "m" + std::to_string(i));
                const std::uint64_t seq = result.seq;
                if (::write(pipe_fds[1], &seq, sizeof seq) != sizeof seq) {
                    ::_exit(2);
                }
            }
        } catch (...) {
            ::_exit(3);
        }
    }
    ::close(pipe_fds[1]);
    std::uint64_t last_reported = 0;
    while (last_reported < 50) {
        ASSERT_EQ(::read(pipe_fds[0], &last_reported, sizeof last_reported),
                  static_cast<ssize_t>(sizeof last_reported));
    }
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    ::close(pipe_fds[0]);
    ASSERT_TRUE(WIFSIGNALED(status));

    auto host = open(db);
    const MessagePage page =
        run_awaitable(host->message_log->read(Conversation::group(1), 0, 10000));
    ASSERT_GE(page.messages.size(), last_reported);
    for (std::uint64_t i = 0; i < last_reported; ++i) {
        EXPECT_EQ(page.messages[i].seq, i + 1);
        EXPECT_EQ(text_of(page.messages[i].frame), "m" + std::to_string(i + 1));
    }
}

TEST_F(message_log_sqlite, ACorruptFileIsAClearErrorAtSetup) {
    write_file(db, std::string(8192, 'x'));
    const std::string error = load_error(settings_for(db));
    EXPECT_THAT(error, HasSubstr("message-log-sqlite: " + db.string()));
    EXPECT_THAT(error, HasSubstr("not a database"));
}

TEST_F(message_log_sqlite, AnUnwritablePathIsAClearErrorAtSetup) {
    const std::string error = load_error(settings_for(dir.file("missing/dir/log.db")));
    EXPECT_THAT(error, HasSubstr("message-log-sqlite: " + dir.file("missing/dir/log.db").string()));
    EXPECT_THAT(error, HasSubstr("cannot open"));
}

TEST_F(message_log_sqlite, SettingsMistakesAreConfigErrors) {
    EXPECT_THAT(load_error(settings_for(db) + "max_mesages: 3\n"),
                HasSubstr("ConfigError: test.yaml:2:"));
    EXPECT_THAT(load_error(settings_for(db) + "max_mesages: 3\n"),
                HasSubstr("unknown key 'max_mesages'"));
    EXPECT_THAT(load_error(settings_for(db) + "max_age: 3 weeks\n"), HasSubstr("ConfigError"));
    EXPECT_THAT(load_error(settings_for(db) + "dedup_window: -1s\n"),
                HasSubstr("expected a duration"));
    EXPECT_THAT(load_error(settings_for(db) + "max_messages_per_conversation: 0\n"),
                HasSubstr("ConfigError"));
    EXPECT_THAT(load_error(settings_for(db) + "synchronous: off\n"), HasSubstr("ConfigError"));
}

}  // namespace
}  // namespace parley::test

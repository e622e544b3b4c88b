// One member floods a big group on a real parleyd: once the group's fan-out backlog passes its
// mark, the node refuses the flood with 4000 and retry_after_ms (before storing or
// acknowledging anything), a client who is not involved is still answered promptly, and every
// acknowledged message reaches an online member exactly once.
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <sqlite3.h>

#include "integration/node_fixture.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;

constexpr GroupId kGroup = 7;
constexpr UserId kMembers = 50000;  // users 1 .. kMembers
constexpr UserId kFlooder = 1;
constexpr UserId kReader = 2;
constexpr UserId kSilentMembers = 20;  // online members 3 .. 22 who never read
constexpr UserId kBystander = kMembers + 1;
constexpr std::uint64_t kFlood = 20000;
constexpr std::uint64_t kPerWrite = 500;

/// The store's groups file with one big group, as store-memory keeps it.
void write_big_group(const std::filesystem::path& path) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "CREATE TABLE memberships (group_id INTEGER NOT NULL, user_id INTEGER "
                           "NOT NULL, PRIMARY KEY (group_id, user_id)) WITHOUT ROWID;"
                           "BEGIN",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_stmt* insert = nullptr;
    ASSERT_EQ(
        sqlite3_prepare_v2(db, "INSERT INTO memberships VALUES (?1, ?2)", -1, &insert, nullptr),
        SQLITE_OK);
    for (UserId user = 1; user <= kMembers; ++user) {
        sqlite3_bind_int64(insert, 1, kGroup);
        sqlite3_bind_int64(insert, 2, user);
        ASSERT_EQ(sqlite3_step(insert), SQLITE_DONE);
        sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
    ASSERT_EQ(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
}

std::vector<std::uint8_t> flood_bytes(std::uint64_t first, std::uint64_t count) {
    std::vector<std::uint8_t> bytes;
    for (std::uint64_t id = first; id < first + count; ++id) {
        const Frame frame =
            Frame::make(FrameType::group_message, kFlooder, kGroup, chat(id, "flood"));
        bytes.insert(bytes.end(), frame.bytes().begin(), frame.bytes().end());
    }
    return bytes;
}

/// What the flooder heard back.
struct Answers {
    std::set<std::uint64_t> acked;
    std::map<std::uint64_t, std::string> refused;  ///< client_msg_id -> ERROR data
    std::vector<std::uint32_t> other_errors;
};

class GroupFloodTest : public NodeTest {
  protected:
    void SetUp() override {
        write_big_group(dir.file("groups.db"));
        config.store_settings = {"groups_path: \"" + dir.file("groups.db").string() + "\""};
        config.extra_yaml = "message_log: {plugin: memory}\n";
        // One loop: the flood, its fan-out and the bystander share it.
        config.threads = 1;
        config.server_settings = {"max_group_backlog: 100"};
        start();
    }
};

TEST_F(GroupFloodTest, AFloodIsRefusedWithRetryAfterAndNothingAckedIsLost) {
    auto flooder = login(kFlooder);
    auto reader = login(kReader);
    auto bystander = login(kBystander);
    std::vector<std::unique_ptr<RawClient>> silent;
    for (UserId user = 3; user < 3 + kSilentMembers; ++user) {
        silent.push_back(login(user));
    }

    // The online member reads everything the group sends it.
    std::atomic<bool> stop{false};
    std::map<std::uint64_t, int> received;
    std::mutex received_mutex;
    std::thread reading([&] {
        while (!stop) {
            const auto frame = reader->read_frame(200ms);
            wire::ChatMessage message;
            if (frame && frame->type() == FrameType::group_message && frame->parse_body(message)) {
                const std::lock_guard lock(received_mutex);
                ++received[message.client_msg_id()];
            }
        }
    });

    // The flooder writes its messages many at a time, as fast as the node answers them.
    Answers answers;
    std::atomic<bool> flooding{true};
    std::thread flood([&] {
        for (std::uint64_t first = 1; first <= kFlood; first += kPerWrite) {
            if (!flooder->send_bytes(flood_bytes(first, kPerWrite), 60s)) {
                break;
            }
            for (std::uint64_t n = 0; n < kPerWrite; ++n) {
                const auto frame = flooder->read_frame(60s);
                if (!frame) {
                    break;
                }
                if (frame->type() == FrameType::ack) {
                    wire::Ack ack;
                    frame->parse_body(ack);
                    answers.acked.insert(ack.client_msg_id());
                } else if (frame->type() == FrameType::error) {
                    wire::ErrorBody error;
                    frame->parse_body(error);
                    if (error.code() == static_cast<std::uint32_t>(ErrorCode::rate_limited)) {
                        answers.refused[error.ref_id()] = error.data();
                    } else {
                        answers.other_errors.push_back(error.code());
                    }
                }
            }
        }
        flooding = false;
    });

    // Meanwhile a client who has nothing to do with the group is answered promptly.
    int heartbeats = 0;
    while (flooding || heartbeats < 5) {
        wire::Heartbeat beat;
        beat.set_timestamp_ms(static_cast<std::uint64_t>(++heartbeats));
        ASSERT_TRUE(bystander->send_frame(FrameType::heartbeat, kNoUser, kNoUser, beat));
        const auto echo = read_until(*bystander, FrameType::heartbeat, 2s);
        ASSERT_TRUE(echo) << "heartbeat " << heartbeats << " not answered within 2 s";
        std::this_thread::sleep_for(20ms);
    }
    flood.join();

    ASSERT_EQ(answers.acked.size() + answers.refused.size(), kFlood)
        << "every message is answered, ACK or 4000";
    EXPECT_TRUE(answers.other_errors.empty());
    ASSERT_FALSE(answers.refused.empty()) << "the flood was never refused";
    EXPECT_FALSE(answers.acked.empty());
    for (const auto& [id, data] : answers.refused) {
        ASSERT_EQ(data.rfind("retry_after_ms=", 0), 0U) << data;
        EXPECT_GT(std::stoul(data.substr(15)), 0UL) << data;
        EXPECT_FALSE(answers.acked.contains(id));
    }

    // Every acknowledged message reaches the online member, once; nothing refused does.
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    for (;;) {
        {
            const std::lock_guard lock(received_mutex);
            if (received.size() >= answers.acked.size() ||
                std::chrono::steady_clock::now() > deadline) {
                break;
            }
        }
        std::this_thread::sleep_for(50ms);
    }
    std::this_thread::sleep_for(300ms);  // a duplicate would have arrived by now
    stop = true;
    reading.join();
    std::set<std::uint64_t> delivered;
    for (const auto& [id, count] : received) {
        EXPECT_EQ(count, 1) << "message " << id << " delivered " << count << " times";
        EXPECT_TRUE(answers.acked.contains(id)) << "message " << id << " was not acknowledged";
        delivered.insert(id);
    }
    EXPECT_EQ(delivered, answers.acked);

    // Once the fan-out has caught up, the sender is served again.
    ASSERT_TRUE(flooder->send_frame(FrameType::group_message, kFlooder, kGroup,
                                    chat(kFlood + 1, "after the flood")));
    EXPECT_TRUE(acked(*flooder, kFlood + 1));
    EXPECT_TRUE(still_serves(*bystander));
}

}  // namespace
}  // namespace parley::test

// store-memory, loaded as parleyd loads it: what is particular to it, chiefly the groups file
// that keeps memberships across restarts. What every store must do is in
// store_conformance_test.cpp.

#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <parley/config_node.hpp>
#include <parley/error.hpp>
#include <parley/store.hpp>

#include "plugins/plugin_test_host.hpp"
#include "plugins/run_awaitable.hpp"
#include "support/temp_dir.hpp"

namespace parley::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(MemoryStoreTest, RefusesUnknownSettings) {
    PluginTestHost host;
    try {
        host.load("store", "memory", "capacity: 10\n");
        FAIL() << "loaded with an unknown key";
    } catch (const ConfigError& e) {
        EXPECT_THAT(e.what(), HasSubstr("unknown key 'capacity'"));
        EXPECT_THAT(e.what(), HasSubstr("test.yaml:1:"));
    }
}

TEST(MemoryStoreTest, RefusesAnUnknownKeyBesideGroupsPath) {
    TempDir dir{"store-memory"};
    const std::string yaml =
        "groups_path: \"" + dir.file("groups.db").string() + "\"\ngroups_pth: x\n";
    EXPECT_THAT(load_error("store", "memory", yaml),
                HasSubstr("unknown key 'groups_pth' in store-memory settings; did you mean "
                          "'groups_path'?"));
}

TEST(MemoryStoreTest, RefusesAnEmptyGroupsPath) {
    EXPECT_THAT(load_error("store", "memory", "groups_path: \"\"\n"),
                HasSubstr("groups_path must name a file"));
}

/// One store-memory that keeps its groups in `path`; reset it to close the file, as a restart
/// of the node would.
std::unique_ptr<PluginTestHost> open_store(const std::filesystem::path& path) {
    auto host = std::make_unique<PluginTestHost>();
    host->load("store", "memory", "groups_path: \"" + path.string() + "\"\n");
    return host;
}

class MemoryStoreGroupsFileTest : public ::testing::Test {
  protected:
    void reopen() {
        host_.reset();
        host_ = open_store(path_);
    }
    Store& store() { return *host_->store; }
    void join(GroupId group, UserId user) { run_awaitable(store().join_group(group, user)); }
    bool leave(GroupId group, UserId user) {
        return run_awaitable(store().leave_group(group, user));
    }
    bool is_member(GroupId group, UserId user) {
        return run_awaitable(store().is_member(group, user));
    }
    std::vector<UserId> members(GroupId group) {
        return run_awaitable(store().group_members(group));
    }

    TempDir dir_{"store-memory"};
    std::filesystem::path path_ = dir_.file("groups.db");
    std::unique_ptr<PluginTestHost> host_ = open_store(path_);
};

TEST_F(MemoryStoreGroupsFileTest, MembershipsSurviveAReopen) {
    join(7, 1);
    join(7, 2);
    join(8, 2);
    reopen();
    EXPECT_THAT(members(7), ElementsAre(1, 2));
    EXPECT_THAT(members(8), ElementsAre(2));
    EXPECT_TRUE(is_member(7, 1));
    EXPECT_FALSE(is_member(8, 1));
}

TEST_F(MemoryStoreGroupsFileTest, ALeaveSurvivesAReopen) {
    join(7, 1);
    join(7, 2);
    ASSERT_TRUE(leave(7, 1));
    reopen();
    EXPECT_THAT(members(7), ElementsAre(2));
    EXPECT_FALSE(leave(7, 1)) << "the leave was kept, so 1 is no member to leave";
    EXPECT_TRUE(leave(7, 2));
    reopen();
    EXPECT_THAT(members(7), IsEmpty());
}

TEST_F(MemoryStoreGroupsFileTest, AFailedCommitFailsTheCallAndChangesNothing) {
    join(7, 1);
    // Another connection takes the table away, so the next write cannot be committed.
    sqlite3* other = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &other), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(other, "DROP TABLE memberships", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(other);

    try {
        join(7, 2);
        FAIL() << "a join that was not committed succeeded";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::backend_unavailable);
        EXPECT_THAT(e.what(), HasSubstr(path_.string()));
    }
    EXPECT_THROW(leave(7, 1), Error);
    EXPECT_THAT(members(7), ElementsAre(1)) << "memory keeps what the file had";
}

TEST(MemoryStoreTest, AGroupsPathInAMissingDirectoryFailsAtSetupNamingTheFile) {
    TempDir dir{"store-memory"};
    const auto path = dir.file("no-such-dir/groups.db");
    try {
        open_store(path);
        FAIL() << "loaded with a groups file that cannot be created";
    } catch (const std::exception& e) {
        EXPECT_THAT(e.what(), HasSubstr("groups file '" + path.string() + "'"));
    }
}

TEST(MemoryStoreTest, AGroupsFileThatIsNoDatabaseFailsAtSetupNamingTheFile) {
    TempDir dir{"store-memory"};
    const auto path = write_file(dir.file("groups.db"), std::string(4096, 'x'));
    try {
        open_store(path);
        FAIL() << "loaded a groups file that is not a database";
    } catch (const std::exception& e) {
        EXPECT_THAT(e.what(), HasSubstr("groups file '" + path.string() + "'"));
        EXPECT_THAT(e.what(), HasSubstr("not a database"));
    }
}

}  // namespace
}  // namespace parley::test

#include <gtest/gtest.h>

#include <parley/client/hash_ring.hpp>

namespace parley::client {
namespace {

std::vector<std::string> node_ids(int count) {
    std::vector<std::string> ids;
    for (int i = 0; i < count; ++i) {
        ids.push_back("node-" + std::to_string(i));
    }
    return ids;
}

TEST(HashRing, EmptyRingOwnsNothing) {
    EXPECT_EQ(HashRing({}).node_for(1), nullptr);
}

TEST(HashRing, SameNodesSameAnswers) {
    const HashRing a(node_ids(5));
    const HashRing b(node_ids(5));
    for (std::uint64_t key = 0; key < 1000; ++key) {
        EXPECT_EQ(*a.node_for(key), *b.node_for(key));
    }
}

TEST(HashRing, HashesAreFixedAcrossBuilds) {
    // Clients built anywhere must agree, so the functions are pinned, not std::hash.
    EXPECT_EQ(HashRing::hash_key(0), 0xe220a8397b1dcdafULL);
    EXPECT_EQ(HashRing::hash_key(1), 0x910a2dec89025cc1ULL);
}

TEST(HashRing, SpreadsKeysOverAllNodes) {
    const int nodes = 8;
    const int keys = 80000;
    const HashRing ring(node_ids(nodes));
    std::map<std::string, int> counts;
    for (std::uint64_t key = 1; key <= keys; ++key) {
        ++counts[*ring.node_for(key)];
    }
    ASSERT_EQ(counts.size(), static_cast<std::size_t>(nodes));
    for (const auto& [id, count] : counts) {
        EXPECT_GT(count, keys / nodes / 2) << id;  // within a factor of two of fair
        EXPECT_LT(count, keys / nodes * 2) << id;
    }
}

TEST(HashRing, RemovingANodeMovesOnlyItsOwnKeys) {
    const int nodes = 10;
    const int keys = 50000;
    auto ids = node_ids(nodes);
    const HashRing before(ids);
    const std::string removed = ids[3];
    ids.erase(ids.begin() + 3);
    const HashRing after(ids);

    int moved = 0;
    for (std::uint64_t key = 1; key <= keys; ++key) {
        const std::string& was = *before.node_for(key);
        const std::string& now = *after.node_for(key);
        if (was != now) {
            ++moved;
            EXPECT_EQ(was, removed) << "key " << key << " moved though its node stayed";
        }
    }
    // About 1/N of the keys belonged to the removed node; allow generous slack for variance.
    EXPECT_GT(moved, keys / nodes / 2);
    EXPECT_LT(moved, keys / nodes * 2);
}

TEST(HashRing, AddingANodeTakesAboutOneNthOfTheKeys) {
    const int keys = 50000;
    const HashRing before(node_ids(9));
    const HashRing after(node_ids(10));
    int moved = 0;
    for (std::uint64_t key = 1; key <= keys; ++key) {
        const std::string& now = *after.node_for(key);
        if (*before.node_for(key) != now) {
            ++moved;
            EXPECT_EQ(now, "node-9") << "keys move only to the new node";
        }
    }
    EXPECT_GT(moved, keys / 10 / 2);
    EXPECT_LT(moved, keys / 10 * 2);
}

}  // namespace
}  // namespace parley::client

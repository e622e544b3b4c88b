#include <chrono>
#include <functional>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <parley/config_node.hpp>

namespace parley {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

std::string error_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "no error";
}

TEST(ConfigNodeTest, SyntaxErrorsNameFileLineAndColumn) {
    const auto message = error_of([] {
        ConfigNode::parse_string("server:\n  listen: [\"a:1\"\n  threads: 2\n", "broken.yaml");
    });
    EXPECT_NE(message.find("broken.yaml:"), std::string::npos) << message;
    EXPECT_NE(message.find("invalid YAML"), std::string::npos) << message;
}

TEST(ConfigNodeTest, RemembersWhereEachValueCameFrom) {
    const auto root = ConfigNode::parse_string("a: 1\nb:\n  c: hello\n", "x.yaml");
    const ConfigNode* c = root.find("b")->find("c");
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->as_string(), "hello");
    EXPECT_EQ(c->location().to_string(), "x.yaml:3:6");
}

TEST(ConfigNodeTest, DuplicateKeysAreErrors) {
    const auto message = error_of([] { ConfigNode::parse_string("a: 1\na: 2\n", "d.yaml"); });
    EXPECT_NE(message.find("d.yaml:2:1"), std::string::npos) << message;
    EXPECT_NE(message.find("appears twice"), std::string::npos) << message;
}

TEST(ConfigNodeTest, OverlayMergesMapsAndReplacesEverythingElse) {
    auto base = ConfigNode::parse_string(
        "server:\n  threads: 2\n  listen: [\"a:1\", \"b:2\"]\nlogging:\n  level: info\n",
        "base.yaml");
    const auto overlay =
        ConfigNode::parse_string("server:\n  threads: 8\n  listen: [\"c:3\"]\n", "prod.yaml");
    base.merge(overlay);
    const ConfigNode* server = base.find("server");
    EXPECT_EQ(server->find("threads")->as_int(0, 100), 8);
    EXPECT_EQ(server->find("threads")->location().to_string(), "prod.yaml:2:12");
    EXPECT_EQ(server->find("listen")->as_string_list(), std::vector<std::string>{"c:3"});
    EXPECT_EQ(base.find("logging")->find("level")->as_string(), "info");
}

TEST(ConfigNodeTest, TypedReadsRefuseWrongTypesWithTheLocation) {
    const auto root = ConfigNode::parse_string("n: twelve\nlist: [1]\nflag: maybe\n", "t.yaml");
    EXPECT_NE(error_of([&] { root.find("n")->as_int(0, 100); })
                  .find("t.yaml:1:4: expected an "
                        "integer"),
              std::string::npos);
    EXPECT_NE(error_of([&] { root.find("list")->as_string(); }).find("expected a scalar"),
              std::string::npos);
    EXPECT_NE(error_of([&] { root.find("flag")->as_bool(); }).find("true or false"),
              std::string::npos);
    EXPECT_NE(error_of([] {
                  ConfigNode::parse_string("n: 500\n", "r.yaml").find("n")->as_int(0, 100);
              }).find("out of range"),
              std::string::npos);
}

TEST(ConfigNodeTest, DurationsAndSizesTakeUnits) {
    const auto root = ConfigNode::parse_string(
        "a: 250ms\nb: 10s\nc: 2m\nd: 1500\ne: 64KiB\nf: 1MiB\ng: 4096\nh: 3 weeks\n", "u.yaml");
    EXPECT_EQ(root.find("a")->as_duration().count(), 250);
    EXPECT_EQ(root.find("b")->as_duration().count(), 10'000);
    EXPECT_EQ(root.find("c")->as_duration().count(), 120'000);
    EXPECT_EQ(root.find("d")->as_duration().count(), 1500);
    EXPECT_EQ(root.find("e")->as_bytes(), 65536U);
    EXPECT_EQ(root.find("f")->as_bytes(), 1048576U);
    EXPECT_EQ(root.find("g")->as_bytes(), 4096U);
    EXPECT_NE(error_of([&] { root.find("h")->as_duration(); }).find("unknown duration unit"),
              std::string::npos);
}

// Found by fuzz/config_fuzzer.cpp: numbers past what the result holds came back wrapped (a
// size of 4e22 bytes read as 2^63, a duration of 1e20 ms as a negative one) instead of refused.
TEST(ConfigNodeTest, SizesAndDurationsTooLargeToHoldAreRefused) {
    const auto root = ConfigNode::parse_string(
        "big: 39999999999999999999901\nmax: 18446744073709549568\ntoo: 17179869184GiB\n"
        "long: 99999999999999999999ms\nyears: 9990990909s\nlongest: 9223372036854ms\n",
        "big.yaml");
    EXPECT_THAT(error_of([&] { root.find("big")->as_bytes(); }),
                HasSubstr("big.yaml:1:6: size '39999999999999999999901' is too large"));
    EXPECT_EQ(root.find("max")->as_bytes(), 18446744073709549568U)
        << "the largest double below 2^64";
    EXPECT_THAT(error_of([&] { root.find("too")->as_bytes(); }), HasSubstr("is too large"));
    EXPECT_THAT(error_of([&] { root.find("long")->as_duration(); }),
                HasSubstr("duration '99999999999999999999ms' is too long"));
    EXPECT_THAT(error_of([&] { root.find("years")->as_duration(); }), HasSubstr("is too long"));
    // The clocks count nanoseconds in 64 bits: about 292 years is the most a duration can be.
    EXPECT_EQ(root.find("longest")->as_duration().count(), 9223372036854);
}

TEST(SettingsReaderTest, UnknownKeysAreRefusedWithASuggestion) {
    const auto root = ConfigNode::parse_string("brokerz: a\nacks: all\n", "k.yaml");
    SettingsReader reader(root, "transport settings");
    reader.get_string("brokers", "");
    reader.get_string("acks", "1");
    const auto message = error_of([&] { reader.finish(); });
    EXPECT_NE(message.find("k.yaml:1:10: unknown key 'brokerz' in transport settings; did you "
                           "mean 'brokers'?"),
              std::string::npos)
        << message;
}

TEST(SettingsReaderTest, RequiredKeysAndChoices) {
    const auto root = ConfigNode::parse_string("policy: kik\n", "p.yaml");
    SettingsReader reader(root, "handshake settings");
    EXPECT_NE(error_of([&] { reader.require("secret"); }).find("required key 'secret' is missing"),
              std::string::npos);
    const auto message = error_of([&] {
        reader.get_choice("policy", "reject", {"reject", "kick"});
    });
    EXPECT_NE(message.find("did you mean 'kick'?"), std::string::npos) << message;
}

TEST(SettingsReaderTest, NullNodeReadsAsEmptyMap) {
    const ConfigNode nothing;
    SettingsReader reader(nothing, "settings");
    EXPECT_EQ(reader.get_int("n", 5, 0, 10), 5);
    EXPECT_NO_THROW(reader.finish());
}

TEST(ClosestMatchTest, SuggestsOnlyCloseWords) {
    EXPECT_EQ(closest_match("kafak", {"kafka", "local"}), "kafka");
    EXPECT_EQ(closest_match("zzzzzz", {"kafka", "local"}), "");
}

// SettingsReader's ranged reads: the key and the range are in every error.

ConfigNode yaml(const char* text) {
    return ConfigNode::parse_string(text, "r.yaml");
}

TEST(SettingsReaderRangeTest, DurationsInsideTheRangeAndFallbacks) {
    const ConfigNode node = yaml("timeout: 2s\n");
    SettingsReader reader(node, "test settings");
    EXPECT_EQ(reader.get_duration("timeout", 1s, 100ms, 1h), 2s);
    EXPECT_EQ(reader.get_duration("absent", 5s, 100ms, 1h), 5s);
    reader.finish();
}

TEST(SettingsReaderRangeTest, DurationOutsideTheRangeNamesKeyRangeAndValue) {
    const ConfigNode node = yaml("timeout: 50ms\nlong: 2h\n");
    SettingsReader reader(node, "test settings");
    EXPECT_THAT(error_of([&] { reader.get_duration("timeout", 1s, 100ms, 1h); }),
                HasSubstr("r.yaml:1:10: test settings: timeout must lie between 100 ms and "
                          "3600000 ms, not 50 ms"));
    EXPECT_THAT(error_of([&] { reader.get_duration("long", 1s, 100ms, 1h); }),
                HasSubstr("long must lie between 100 ms and 3600000 ms, not 7200000 ms"));
}

TEST(SettingsReaderRangeTest, DurationWithOnlyAMinimumSaysAtLeast) {
    const ConfigNode node = yaml("ttl: 100ms\n");
    SettingsReader reader(node, "test settings");
    EXPECT_THAT(error_of([&] { reader.get_duration("ttl", 1s, 1s); }),
                HasSubstr("ttl must be at least 1000 ms, not 100 ms"));
}

TEST(SettingsReaderRangeTest, UnreadableValuesNameTheKey) {
    const ConfigNode node = yaml("timeout: soon\nsize: lots\n");
    SettingsReader reader(node, "test settings");
    EXPECT_THAT(error_of([&] { reader.get_duration("timeout", 1s, 1ms); }),
                HasSubstr("r.yaml:1:10: test settings: timeout: expected a duration"));
    EXPECT_THAT(error_of([&] { reader.get_bytes("size", 1, 1); }),
                HasSubstr("test settings: size: expected a size"));
}

TEST(SettingsReaderRangeTest, BytesOutsideTheRangeNameKeyRangeAndValue) {
    const ConfigNode node = yaml("buffer: 64KiB\nsmall: 10\n");
    SettingsReader reader(node, "test settings");
    EXPECT_EQ(reader.get_bytes("buffer", 1, 1024, 1 << 20), 65536u);
    EXPECT_THAT(error_of([&] { reader.get_bytes("small", 4096, 1024, 1 << 20); }),
                HasSubstr("small must lie between 1024 bytes and 1048576 bytes, not 10 bytes"));
    EXPECT_EQ(reader.get_bytes("absent", 4096, 1024), 4096u);
}

TEST(SettingsReaderRangeTest, NumbersMustBeFinite) {
    for (const char* text : {"rate: nan\n", "rate: inf\n", "rate: -inf\n", "rate: infinity\n"}) {
        const ConfigNode node = yaml(text);
        SettingsReader reader(node, "test settings");
        EXPECT_THAT(error_of([&] { reader.get_double("rate", 1.0); }),
                    HasSubstr("expected a finite number"))
            << text;
    }
}

TEST(SettingsReaderRangeTest, DoublesInsideAndOutsideTheRange) {
    const ConfigNode node = yaml("rate: 0.5\nratio: 3\n");
    SettingsReader reader(node, "test settings");
    EXPECT_DOUBLE_EQ(reader.get_double("rate", 1.0, 0.1, 10.0), 0.5);
    EXPECT_DOUBLE_EQ(reader.get_double("absent", 1.5), 1.5);
    EXPECT_THAT(error_of([&] { reader.get_double("ratio", 1.0, 0.0, 1.0); }),
                HasSubstr("ratio must lie between 0 and 1, not 3"));
}

}  // namespace
}  // namespace parley

#include "command_parser.hpp"

#include <gtest/gtest.h>

namespace parley::cli {
namespace {

Command parse_ok(std::string_view line) {
    const auto result = CommandParser{}.parse(line);
    EXPECT_TRUE(result.ok()) << line << ": " << result.error;
    return result.command;
}

std::string parse_error(std::string_view line) {
    const auto result = CommandParser{}.parse(line);
    EXPECT_FALSE(result.ok()) << line;
    return result.error;
}

TEST(CommandParser, PrivateMessageKeepsTheRestOfTheLineAsText) {
    const auto command = parse_ok("/msg 42   hello,  world ");
    EXPECT_EQ(command.kind, CommandKind::msg);
    EXPECT_EQ(command.target, 42u);
    EXPECT_EQ(command.text, "hello,  world");
}

TEST(CommandParser, GroupMessageJoinAndLeave) {
    const auto group = parse_ok("/group 7 hi all");
    EXPECT_EQ(group.kind, CommandKind::group);
    EXPECT_EQ(group.target, 7u);
    EXPECT_EQ(group.text, "hi all");
    EXPECT_EQ(parse_ok("/join 7").kind, CommandKind::join);
    EXPECT_EQ(parse_ok("/join 7").target, 7u);
    EXPECT_EQ(parse_ok("/leave 8").kind, CommandKind::leave);
    EXPECT_EQ(parse_ok("/leave 8").target, 8u);
}

TEST(CommandParser, UsersTakesAnOptionalCursor) {
    EXPECT_EQ(parse_ok("/users").kind, CommandKind::users);
    EXPECT_EQ(parse_ok("/users").number, 0u);
    EXPECT_EQ(parse_ok("/users 17").number, 17u);
    EXPECT_NE(parse_error("/users 1 2").find("usage: /users [CURSOR]"), std::string::npos);
}

TEST(CommandParser, HistoryOfAUserOrAGroup) {
    const auto chat = parse_ok("/history 2");
    EXPECT_EQ(chat.kind, CommandKind::history);
    EXPECT_EQ(chat.target, 2u);
    EXPECT_FALSE(chat.group);
    const auto group = parse_ok("/history #7");
    EXPECT_EQ(group.kind, CommandKind::history);
    EXPECT_EQ(group.target, 7u);
    EXPECT_TRUE(group.group);
    EXPECT_NE(parse_error("/history").find("usage: /history USER|#GROUP"), std::string::npos);
    EXPECT_NE(parse_error("/history #").find("GROUP must be a number"), std::string::npos);
}

TEST(CommandParser, ScriptCommands) {
    EXPECT_EQ(parse_ok("/sleep 250").kind, CommandKind::sleep);
    EXPECT_EQ(parse_ok("/sleep 250").number, 250u);
    const auto wait = parse_ok("/wait ack 2000");
    EXPECT_EQ(wait.kind, CommandKind::wait);
    EXPECT_EQ(wait.text, "ack");
    EXPECT_EQ(wait.number, 2000u);
    EXPECT_EQ(parse_ok("/wait error code=1003 500").text, "error code=1003")
        << "the prefix may hold blanks; the timeout is the last word";
    EXPECT_NE(parse_error("/wait ack").find("TIMEOUT_MS"), std::string::npos);
    EXPECT_NE(parse_error("/wait 2000").find("usage"), std::string::npos);
}

TEST(CommandParser, RawFrames) {
    const auto raw = parse_ok("/raw 0x80 5 0a1B");
    EXPECT_EQ(raw.kind, CommandKind::raw);
    EXPECT_EQ(raw.frame_type, 0x80);
    EXPECT_EQ(raw.target, 5u);
    EXPECT_EQ(raw.body, (std::vector<std::uint8_t>{0x0a, 0x1b}));
    EXPECT_TRUE(parse_ok("/raw 129 0").body.empty());
    EXPECT_NE(parse_error("/raw 0x80 5 abc").find("hex"), std::string::npos);
    EXPECT_NE(parse_error("/raw 256 5").find("TYPE"), std::string::npos);
}

TEST(CommandParser, HelpQuitBlankLinesAndComments) {
    EXPECT_EQ(parse_ok("/help").kind, CommandKind::help);
    EXPECT_EQ(parse_ok("  /quit  ").kind, CommandKind::quit);
    EXPECT_EQ(parse_ok("").kind, CommandKind::none);
    EXPECT_EQ(parse_ok("   ").kind, CommandKind::none);
    EXPECT_EQ(parse_ok("# a comment").kind, CommandKind::none);
    EXPECT_EQ(parse_ok("/quit\r").kind, CommandKind::quit);
}

TEST(CommandParser, UnknownCommandSuggestsTheClosest) {
    const auto error = parse_error("/mgs 1 hi");
    EXPECT_NE(error.find("unknown command '/mgs'"), std::string::npos) << error;
    EXPECT_NE(error.find("did you mean '/msg'?"), std::string::npos) << error;
    EXPECT_NE(error.find("type /help for the list"), std::string::npos) << error;
    EXPECT_EQ(parse_error("/xyzzy").find("did you mean"), std::string::npos);
}

TEST(CommandParser, PlainTextIsNotACommand) {
    EXPECT_NE(parse_error("hello there").find("commands start with '/'"), std::string::npos);
}

TEST(CommandParser, BadArgumentsSayWhatIsExpected) {
    EXPECT_NE(parse_error("/msg").find("usage: /msg USER TEXT"), std::string::npos);
    EXPECT_NE(parse_error("/msg 5").find("nothing to send"), std::string::npos);
    EXPECT_NE(parse_error("/msg bob hi").find("USER must be a number"), std::string::npos);
    EXPECT_NE(parse_error("/msg 0 hi").find("from 1"), std::string::npos) << "0 is nobody";
    EXPECT_NE(parse_error("/msg 4294967296 hi").find("4294967295"), std::string::npos);
    EXPECT_NE(parse_error("/join").find("usage: /join GROUP"), std::string::npos);
    EXPECT_NE(parse_error("/join 1 2").find("too many"), std::string::npos);
    EXPECT_NE(parse_error("/group 3").find("nothing to send"), std::string::npos);
    EXPECT_NE(parse_error("/quit now").find("too many"), std::string::npos);
}

TEST(CommandParser, HelpListsEveryCommand) {
    const auto help = CommandParser::help();
    for (const auto& name : CommandParser::command_names()) {
        EXPECT_NE(help.find("/" + name), std::string::npos) << name;
    }
}

}  // namespace
}  // namespace parley::cli

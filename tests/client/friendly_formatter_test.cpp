#include "friendly_formatter.hpp"

#include <gtest/gtest.h>

namespace parley::cli {
namespace {

TEST(FriendlyFormatter, ShortLinesForPeople) {
    const FriendlyFormatter format;
    EXPECT_EQ(format.connected({"standalone", "127.0.0.1:7400", 1, {}, 9}),
              "* connected to node standalone at 127.0.0.1:7400 as user 1");
    client::ChatEvent chat{client::ChatKind::private_message, 1, 2, 5, "hello", 0, {}};
    EXPECT_EQ(format.message(chat), "<1> hello");
    chat.kind = client::ChatKind::group_message;
    chat.to = 7;
    EXPECT_EQ(format.message(chat), "[#7] <1> hello");
    EXPECT_EQ(format.error({ErrorCode::recipient_unavailable, "user 9 is offline", {}, 2, 4}),
              "! 1003 RECIPIENT_UNAVAILABLE (#2): user 9 is offline");
    EXPECT_EQ(format.users({1, {1, 2}, 17, 40}), "* 40 online: 1, 2 (more: /users 17)");
}

TEST(FriendlyFormatter, OtherUsersBytesCannotDriveTheTerminal) {
    const FriendlyFormatter format;
    client::ChatEvent chat{client::ChatKind::private_message, 1, 2, 5, "", 0, {}};
    chat.content = "hi\x1b[2J\x1b]0;owned\x07";  // clear the screen, retitle the window
    EXPECT_EQ(format.message(chat), "<1> hi\\x1b[2J\\x1b]0;owned\\x07");
    chat.content = "ok\n<3> a line that is not 3's\r";
    EXPECT_EQ(format.message(chat), "<1> ok\\n<3> a line that is not 3's\\x0d");
    chat.content =
        "\xc2\x9b"
        "31m red, Gr\xc3\xbc\xc3\x9f"
        "e\x7f";  // C1 CSI; UTF-8 text stays
    EXPECT_EQ(format.message(chat),
              "<1> \\u009b31m red, Gr\xc3\xbc\xc3\x9f"
              "e\\x7f");
    EXPECT_EQ(format.goodbye(ErrorCode::idle_timeout, "bye\x1b[H"),
              "* the server says goodbye: 5001 IDLE_TIMEOUT: bye\\x1b[H");
}

TEST(FriendlyFormatter, UnreadCountsAndHistory) {
    const FriendlyFormatter format;
    client::SyncReport report;
    report.streams.push_back({{client::ChatKind::private_message, 2}, 1, 1, 9, 3, false});
    report.streams.push_back({{client::ChatKind::group_message, 7}, 1, 1, 4, 1, false});
    report.streams.push_back({{client::ChatKind::group_message, 8}, 1, 1, 4, 0, false});
    EXPECT_EQ(format.sync(report), "* unread: <2> 3, [#7] 1");
    report.streams.clear();
    EXPECT_EQ(format.sync(report), "");

    client::HistoryPage page;
    page.conversation = {client::ChatKind::group_message, 7};
    client::ChatEvent chat{client::ChatKind::group_message, 1, 7, 5, "old", 0, {}};
    page.messages.push_back(chat);
    chat.content = "new";
    page.messages.push_back(chat);
    EXPECT_EQ(format.history(page),
              "* history of [#7]: 2 messages\n  [#7] <1> old\n  [#7] <1> new");
}

TEST(FriendlyFormatter, SaysWhatHappensAfterADisconnection) {
    const FriendlyFormatter format;
    client::DisconnectedInfo failed;
    failed.endpoint = "127.0.0.1:7400";
    failed.reason = "connect to 127.0.0.1:7400 failed: Connection refused";
    failed.will_reconnect = true;
    failed.retry_in = std::chrono::milliseconds{150};
    EXPECT_EQ(format.disconnected(failed),
              "* connect to 127.0.0.1:7400 failed: Connection refused (retrying in 150 ms)");

    client::DisconnectedInfo quit;
    quit.reason = "stopped by the caller";
    quit.stopped_by_caller = true;
    EXPECT_EQ(format.disconnected(quit), "") << "/quit needs no news";
    quit.was_connected = true;
    EXPECT_EQ(format.disconnected(quit), "* disconnected: stopped by the caller");

    client::DisconnectedInfo refused;
    refused.endpoint = "127.0.0.1:7400";
    refused.reason = "login refused: 1000 LOGIN_FAILED";
    refused.login_refused = true;
    EXPECT_NE(format.disconnected(refused).find("not retrying"), std::string::npos);
}

}  // namespace
}  // namespace parley::cli

#include "script_formatter.hpp"

#include <gtest/gtest.h>

namespace parley::cli {
namespace {

using client::ChatKind;

TEST(ScriptFormatter, OneLinePerEventInTheDocumentedFormat) {
    const ScriptFormatter format;
    EXPECT_EQ(format.connected({"standalone", "127.0.0.1:7400", 1, {}, 9}),
              "connected node=standalone endpoint=127.0.0.1:7400 user=1");
    client::ChatEvent chat{ChatKind::private_message, 1, 2, 5, "hello", 0, {}};
    EXPECT_EQ(format.message(chat), "msg from=1 to=2 id=5 text=hello");
    chat.kind = ChatKind::group_message;
    chat.to = 7;
    chat.client_msg_id = 3;
    chat.content = "hi";
    EXPECT_EQ(format.message(chat), "group from=1 group=7 id=3 text=hi");
    EXPECT_EQ(format.ack(5, 42), "ack id=5 server_id=42");
    EXPECT_EQ(format.error({ErrorCode::recipient_unavailable, "user 9 is offline", {}, 5, 4}),
              "error code=1003 name=RECIPIENT_UNAVAILABLE ref=5 msg=user 9 is offline");
    EXPECT_EQ(format.users({4, {1, 2, 3}, 0, 3}), "users total=3 next=0 list=1,2,3 id=4");
    EXPECT_EQ(format.users({4, {}, 0, 0}), "users total=0 next=0 list= id=4");
    EXPECT_EQ(format.goodbye(ErrorCode::server_shutdown, "bye"),
              "goodbye code=5003 name=SERVER_SHUTDOWN msg=bye");
    const std::uint8_t body[] = {0xde, 0xad};
    EXPECT_EQ(format.frame(Frame::make(FrameType{0x80}, 3, 4, body)),
              "frame type=0x80 from=3 to=4 size=2 body=dead");
}

TEST(ScriptFormatter, FreeTextCannotBreakTheLine) {
    EXPECT_EQ(ScriptFormatter::escape("a\nb\\c\rd\te\x01"), "a\\nb\\\\c\\rd\\x09e\\x01");
    const ScriptFormatter format;
    client::ChatEvent chat{ChatKind::private_message, 1, 2, 5, "two\nlines", 0, {}};
    EXPECT_EQ(format.message(chat), "msg from=1 to=2 id=5 text=two\\nlines");
}

TEST(ScriptFormatter, DisconnectionsSayWhatHappensNext) {
    const ScriptFormatter format;
    client::DisconnectedInfo dropped;
    dropped.reason = "the server closed the connection";
    dropped.endpoint = "127.0.0.1:7400";
    dropped.was_connected = true;
    dropped.will_reconnect = true;
    dropped.retry_in = std::chrono::milliseconds{120};
    EXPECT_EQ(format.disconnected(dropped),
              "disconnected reason=the server closed the connection\nreconnecting delay_ms=120");

    client::DisconnectedInfo refused;
    refused.reason = "login refused: 1002 DUPLICATE_LOGIN";
    refused.endpoint = "127.0.0.1:7400";
    refused.login_refused = true;
    EXPECT_EQ(format.disconnected(refused),
              "connect-failed endpoint=127.0.0.1:7400 reason=login refused: 1002 "
              "DUPLICATE_LOGIN\nstopped login_refused=yes reason=login refused: 1002 "
              "DUPLICATE_LOGIN");

    client::DisconnectedInfo stopped;
    stopped.reason = "stopped by the caller";
    stopped.endpoint = "127.0.0.1:7400";  // stopped while connecting: no connect-failed line
    stopped.stopped_by_caller = true;
    EXPECT_EQ(format.disconnected(stopped),
              "stopped login_refused=no reason=stopped by the caller");
}

}  // namespace
}  // namespace parley::cli

#pragma once
// A Client's events as short lines of text, so tests can wait for them by prefix.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <parley/client/client_events.hpp>

namespace parley::client::test {

/// Collects event lines from the client's loop thread; the test's thread waits for them.
/// Thread safe.
class EventRecorder {
  public:
    static constexpr std::chrono::milliseconds kTimeout{10000};

    void add(std::string event);

    /// Waits for a line starting with `prefix` after the one the previous wait_for returned,
    /// and returns it; nothing after `timeout`.
    std::optional<std::string> wait_for(const std::string& prefix,
                                        std::chrono::milliseconds timeout = kTimeout);
    /// Whether some line, consumed or not, contains `needle`.
    bool contains(std::string_view needle);
    /// Waits until contains(needle); false after `timeout`. Consumes nothing.
    bool wait_contains(std::string_view needle, std::chrono::milliseconds timeout = kTimeout);
    /// How many lines, consumed or not, start with `prefix`.
    int count(std::string_view prefix);
    /// How many lines, consumed or not, contain `needle`.
    int count_containing(std::string_view needle);
    /// Every line so far, for failure messages.
    std::string all();

  private:
    bool contains_locked(std::string_view needle) const;

    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::string> events_;
    std::size_t consumed_ = 0;
};

/// Callbacks that describe every event into `recorder`, one line each:
///   connected NODE ENDPOINT hb=MS
///   disconnected was=0|1 retry=0|1 refused=0|1 caller=0|1 ENDPOINT REASON
///   msg|group FROM TO ID TEXT
///   ack ID SERVER_ID
///   error CODE REF_ID MESSAGE
///   users ID total=N USER...
///   goodbye CODE
///   frame TYPE BODY
///   sync more=0|1 d<USER>|g<GROUP>:unread=N:lost=0|1 ...
///   history ID d<USER>|g<GROUP> first=SEQ SEQ:TEXT ... (oldest first)
/// `recorder` must outlive the client's loop.
ClientEvents record_into(EventRecorder& recorder);

}  // namespace parley::client::test

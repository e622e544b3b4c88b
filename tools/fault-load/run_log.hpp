#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "fault_event.hpp"

namespace parley::tools {

/// A stretch of time a user was logged in (by its own client's account), on one node.
struct Session {
    std::int64_t start = 0;
    std::int64_t end = 0;
    std::string node;
};

/// A message handed to a user's application.
struct Received {
    std::int64_t ms = 0;
    std::uint32_t receiver = 0;
    bool group = false;
    std::uint32_t peer = 0;
    std::uint32_t from = 0;
    std::uint64_t id = 0;
    std::uint64_t seq = 0;
    bool body_matches = true;  ///< the body names the same author and id as the frame
};

struct Answer {
    std::int64_t ms = 0;
    std::uint32_t code = 0;
    bool local = false;
};

/// A chat message one simulated user sent, and what became of it.
struct SentMessage {
    std::uint32_t sender = 0;
    std::uint64_t id = 0;
    bool group = false;
    std::uint32_t peer = 0;
    std::int64_t sent = 0;
    std::optional<std::int64_t> acked;
    std::vector<Answer> errors;
    std::map<std::uint32_t, std::vector<std::int64_t>> deliveries;  ///< receiver -> times

    bool server_error() const;
};

using MessageKey = std::pair<std::uint32_t, std::uint64_t>;  ///< sender, client_msg_id

/// Everything parley-fault-load logged, indexed for the checks. Feed events in time order
/// (read_run_log does), then call finish().
class RunLog {
  public:
    void add(const FaultEvent& event);
    /// Closes the sessions still open at the last event.
    void finish();

    const std::map<MessageKey, SentMessage>& messages() const { return messages_; }
    /// In the order they were handed over.
    const std::vector<Received>& received() const { return received_; }
    /// Who should receive `message`: its peer, or the group's members but the author.
    std::vector<std::uint32_t> recipients(const SentMessage& message) const;

    bool connected_throughout(std::uint32_t user, std::int64_t from, std::int64_t to) const;
    /// Logged in at some moment after `t` (or still, at `t`).
    bool connected_after(std::uint32_t user, std::int64_t t) const;
    /// The node `user` was logged in on at `t`, "-" if none.
    std::string node_at(std::uint32_t user, std::int64_t t) const;

    /// Some message came with a seq: the nodes keep a message log.
    bool message_log_seen() const { return message_log_seen_; }
    std::int64_t traffic_start() const { return traffic_start_; }
    std::int64_t drain_start() const { return drain_start_; }
    std::int64_t last_event() const { return last_event_; }
    /// Received messages no sent record explains.
    std::size_t unknown_received() const { return unknown_received_; }

  private:
    std::map<MessageKey, SentMessage> messages_;
    std::vector<Received> received_;
    std::map<std::uint32_t, std::vector<Session>> sessions_;
    std::map<std::uint32_t, std::set<std::uint32_t>> members_;  ///< group -> users
    std::map<std::uint32_t, bool> open_;                        ///< user -> a session is open
    bool message_log_seen_ = false;
    std::int64_t traffic_start_ = 0;
    std::int64_t drain_start_ = 0;
    std::int64_t last_event_ = 0;
    std::size_t unknown_received_ = 0;
};

/// Reads event logs (merged by time; one file's order is kept for equal times) into a RunLog.
/// Lines that do not parse are counted in `bad_lines`. Throws std::runtime_error when a file
/// cannot be read.
RunLog read_run_log(const std::vector<std::string>& paths, std::size_t& bad_lines);

}  // namespace parley::tools

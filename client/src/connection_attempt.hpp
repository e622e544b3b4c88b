#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <parley/asio.hpp>
#include <parley/client/server_picker.hpp>

#include "frame_connection.hpp"

namespace parley::client {

/// One connection attempt and, once it logs in, its session: the link, its timers and the
/// requests still waiting for an answer. Client creates one per (re)connect and drops it when
/// the connection ends. Used on the client's strand only; the fields are the Client's to read.
class ConnectionAttempt {
  public:
    ConnectionAttempt(const asio::strand<asio::any_io_executor>& strand, ServerChoice server,
                      std::uint32_t max_body_size);

    /// Ends the attempt: closes the link and stops the timers. The first reason given is the
    /// one reported; `may_retry` false means the client must not reconnect.
    void end(const std::string& reason, bool may_retry);

    /// A request written to the link and not answered yet.
    struct Request {
        std::uint64_t id;
        std::uint32_t type;      ///< its frame type
        std::uint32_t receiver;  ///< its header's receiver (a user or a group)
    };
    /// Remembers a request written to the link, until answered.
    void sent_request(Request request) { unanswered_.push_back(request); }
    /// Forgets and returns the outstanding request `id`, if it is one.
    std::optional<Request> answered(std::uint64_t id);
    /// Forgets and returns the oldest outstanding request of frame `type`; 0 when there is
    /// none. The server answers in request order, so an ERROR without a ref_id answers it.
    std::uint64_t answer_oldest(std::uint32_t type);
    /// Requests written but never answered, oldest first.
    std::deque<std::uint64_t> unanswered_ids() const;

    std::shared_ptr<FrameConnection> link;
    asio::steady_timer deadline;  ///< bounds connect + handshake
    asio::steady_timer heartbeat_timer;
    asio::steady_timer delivery_timer;  ///< paces RECEIVED and gap SYNCs on a log node
    ServerChoice choice;
    bool logged_in = false;
    bool login_refused = false;
    /// The handshake was written and no reply to it (HandshakeOk or ERROR) has come yet. An
    /// attempt that ends so may still log in on the server, which reads it later.
    bool handshake_unanswered = false;
    int missed_heartbeats = 0;  ///< heartbeats sent since the last reply

    bool ended() const noexcept { return ended_; }
    bool may_retry() const noexcept { return may_retry_; }
    const std::string& end_reason() const noexcept { return end_reason_; }

  private:
    std::deque<Request> unanswered_;
    bool ended_ = false;
    bool may_retry_ = true;
    std::string end_reason_;
};

}  // namespace parley::client

#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include <boost/asio/steady_timer.hpp>

#include <parley/client/endpoint.hpp>

#include "frame_connection.hpp"
#include "rpc/outgoing_call.hpp"

namespace parley::client::rpc {

/// One kept connection to one RPC instance, carrying many calls at once. Connects on first
/// use; once it fails or ends it stays dead and the channel opens a new one. On the channel's
/// strand only.
class RpcLink : public std::enable_shared_from_this<RpcLink> {
  public:
    RpcLink(const FrameConnection::Executor& executor, Endpoint endpoint,
            std::uint32_t max_frame_size, std::string token);

    /// Connects unless connected; true once open. Concurrent callers share one attempt.
    asio::awaitable<bool> open();
    bool dead() const noexcept { return state_ == State::dead; }
    const std::string& error_text() const { return connection_->error_text(); }

    /// Sends `call`'s current attempt; its outcome arrives through call.wake.
    void send(const std::shared_ptr<OutgoingCall>& call, const std::string& method);
    /// Forgets `call_id` and tells the server to stop it.
    void cancel(std::uint64_t call_id);
    void close(const std::string& reason);

  private:
    enum class State { idle, connecting, open, dead };

    asio::awaitable<void> read_loop();
    /// Every call in flight ends as lost.
    void lose_all(const std::string& reason);

    Endpoint endpoint_;
    std::string token_;
    std::shared_ptr<FrameConnection> connection_;
    State state_ = State::idle;
    asio::steady_timer opened_;  ///< cancelled when a connect attempt ends
    std::unordered_map<std::uint64_t, std::shared_ptr<OutgoingCall>> in_flight_;
    std::uint64_t next_call_id_ = 1;
};

}  // namespace parley::client::rpc

#pragma once
// The one error model: every error a client sees is an ERROR frame {code, msg, data} with a code
// from this table. docs/protocol.md lists the same table; keep the two in step.

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace parley {

enum class ErrorCode : std::uint32_t {
    ok = 0,
    // 1xxx: login and permission
    login_failed = 1000,           ///< not logged in, bad handshake or bad token
    permission_denied = 1001,      ///< e.g. spoofed sender, sending to a group one is not in
    duplicate_login = 1002,        ///< the user is already logged in and the policy is reject
    recipient_unavailable = 1003,  ///< the recipient is unknown or offline
    session_replaced = 1004,       ///< this session was closed because the user logged in again
    delivery_failed = 1005,        ///< an accepted message could not be handed over: its node left
    kicked = 1006,                 ///< GOODBYE only: an operator closed this session
    // 2xxx: backends
    backend_unavailable = 2000,  ///< store, registry or transport failed or is unreachable
    // 3xxx: the client's bytes
    bad_frame = 3000,        ///< wrong magic or a length that cannot be a frame
    unknown_type = 3001,     ///< no handler is registered for the frame type
    frame_too_large = 3002,  ///< length over the server's max_frame_size
    bad_body = 3003,         ///< the body is not the message the frame type requires
    // 4xxx: policy
    rate_limited = 4000,
    // 5xxx: session lifecycle, sent before the server closes a connection
    handshake_timeout = 5000,
    idle_timeout = 5001,
    slow_consumer = 5002,
    server_shutdown = 5003,
    server_busy = 5004,             ///< a connection limit is reached; try later or elsewhere
    too_many_failed_logins = 5005,  ///< the connection failed to log in too often
    // 6xxx: remote procedure calls (docs/rpc.md)
    unknown_service = 6000,    ///< no instance offers the service, or this one does not host it
    unknown_method = 6001,     ///< the service has no such method
    deadline_exceeded = 6002,  ///< the call did not finish within its time-out
    unavailable = 6003,        ///< no instance could be reached, or the connection was lost
    cancelled = 6004,          ///< the caller cancelled the call
    // 9xxx: the server's own fault
    internal = 9000,
};

/// Stable upper-case name of a code ("LOGIN_FAILED"), for logs and tools. "UNKNOWN" otherwise.
std::string_view to_string(ErrorCode code) noexcept;

/// Thrown by handlers and returned by interceptors to answer a request with an ERROR frame.
/// The session lives on; only lifecycle codes (5xxx) close it.
class Error : public std::runtime_error {
  public:
    Error(ErrorCode code, const std::string& message, std::string data = {});
    ~Error() override;
    Error(const Error&) = default;
    Error& operator=(const Error&) = default;

    ErrorCode code() const noexcept { return code_; }
    /// Free-form detail for the client (the `data` of {code, msg, data}); often empty.
    const std::string& data() const noexcept { return data_; }

  private:
    ErrorCode code_;
    std::string data_;
};

/// A rate_limited (4000) answer that asks the client to wait `wait` before it sends again:
/// the message is "<what>; retry in <n> ms" and `data` is "retry_after_ms=<n>"
/// (docs/protocol.md, "Told to slow down").
Error retry_later(const std::string& what, std::chrono::milliseconds wait);

/// The wait a retry_later() `data` asks for; nothing when it names none.
std::optional<std::chrono::milliseconds> retry_after(std::string_view data) noexcept;

}  // namespace parley

#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include <parley/client/client_events.hpp>

namespace parley::cli {

/// Turns client events into output text: zero, one or several lines ('\n' between them, none
/// at the end); empty text prints nothing. Stateless, so any thread may use it.
class EventFormatter {
  public:
    virtual ~EventFormatter();

    virtual std::string connected(const client::ConnectedInfo& info) const = 0;
    virtual std::string disconnected(const client::DisconnectedInfo& info) const = 0;
    virtual std::string message(const client::ChatEvent& event) const = 0;
    virtual std::string ack(std::uint64_t client_msg_id, std::uint64_t server_msg_id) const = 0;
    virtual std::string error(const client::ServerError& error) const = 0;
    virtual std::string users(const client::UserPage& page) const = 0;
    virtual std::string goodbye(ErrorCode code, const std::string& message) const = 0;
    virtual std::string frame(const Frame& frame) const = 0;
    virtual std::string sync(const client::SyncReport& report) const = 0;
    virtual std::string history(const client::HistoryPage& page) const = 0;
};

/// The script-mode formatter when `script`, else the friendly one.
std::unique_ptr<EventFormatter> make_event_formatter(bool script);

/// Lower-case hex of `bytes`, e.g. "0a1b".
std::string to_hex(std::span<const std::uint8_t> bytes);

}  // namespace parley::cli

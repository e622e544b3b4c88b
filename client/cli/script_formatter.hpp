#pragma once

#include <string_view>

#include "event_formatter.hpp"

namespace parley::cli {

/// Script mode's output: one line per event, "<event> key=value ...", values without blanks
/// except for the one free-text field, which always comes last and is escaped (\\, \n, \r,
/// \xHH) so it cannot break the line. docs/terminal-client.md is the contract; scripts and
/// tests parse it, so change it only by adding keys before the free-text field.
class ScriptFormatter final : public EventFormatter {
  public:
    std::string connected(const client::ConnectedInfo& info) const override;
    std::string disconnected(const client::DisconnectedInfo& info) const override;
    std::string message(const client::ChatEvent& event) const override;
    std::string ack(std::uint64_t client_msg_id, std::uint64_t server_msg_id) const override;
    std::string error(const client::ServerError& error) const override;
    std::string users(const client::UserPage& page) const override;
    std::string goodbye(ErrorCode code, const std::string& message) const override;
    std::string frame(const Frame& frame) const override;
    std::string sync(const client::SyncReport& report) const override;
    std::string history(const client::HistoryPage& page) const override;

    /// Escapes free text so it stays on one line.
    static std::string escape(std::string_view text);
};

}  // namespace parley::cli

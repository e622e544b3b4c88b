#pragma once

#include "event_formatter.hpp"

namespace parley::cli {

/// Interactive mode's output: short lines for a person. "* " marks news from the client,
/// "! " errors, and messages show as "<from> text" or "[#group] <from> text".
class FriendlyFormatter final : public EventFormatter {
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
};

}  // namespace parley::cli

#pragma once

#include <cstdint>
#include <optional>

#include <parley/message_log.hpp>

#include "sqlite_connection.hpp"

namespace parley::plugins::message_log_sqlite {

/// Creates the tables on a new database (drawing its epoch once) and checks an existing one;
/// returns the epoch. Throws parley::Error(backend_unavailable) when the file is not a log.
std::uint64_t open_schema(Connection& connection);

/// A conversation's row: its id and the newest seq it gave out.
struct ConversationRow {
    std::int64_t id = 0;
    std::uint64_t last_seq = 0;
};

/// The row of `conversation`, or nothing when it never had a message. The writer and the
/// reader each ask on their own connection.
std::optional<ConversationRow> find_conversation(Connection& connection,
                                                 const Conversation& conversation);

}  // namespace parley::plugins::message_log_sqlite

#pragma once

#include <cstdint>

#include "sqlite_connection.hpp"

namespace parley::plugins::message_log_sqlite {

/// Creates the tables on a new database (drawing its epoch once) and checks an existing one;
/// returns the epoch. Throws parley::Error(backend_unavailable) when the file is not a log.
std::uint64_t open_schema(Connection& connection);

}  // namespace parley::plugins::message_log_sqlite

#pragma once
// One file per attack; each is known to the rest of the program only by its maker.

#include <memory>

#include "attack.hpp"

namespace parley::bench::abuse {

std::unique_ptr<Attack> make_group_flood(const AbuseOptions& options);
std::unique_ptr<Attack> make_slow_readers(const AbuseOptions& options);
std::unique_ptr<Attack> make_prelogin_flood(const AbuseOptions& options);
std::unique_ptr<Attack> make_trickle(const AbuseOptions& options);
std::unique_ptr<Attack> make_connection_flood(const AbuseOptions& options);
std::unique_ptr<Attack> make_failed_logins(const AbuseOptions& options);

}  // namespace parley::bench::abuse

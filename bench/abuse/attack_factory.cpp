#include "attacks.hpp"

namespace parley::bench::abuse {

std::unique_ptr<Attack> make_attack(const AbuseOptions& options) {
    switch (options.attack) {
        case AttackKind::group_flood:
            return make_group_flood(options);
        case AttackKind::slow_readers:
            return make_slow_readers(options);
        case AttackKind::prelogin_flood:
            return make_prelogin_flood(options);
        case AttackKind::trickle:
            return make_trickle(options);
        case AttackKind::connection_flood:
            return make_connection_flood(options);
        case AttackKind::failed_logins:
            return make_failed_logins(options);
    }
    return nullptr;
}

}  // namespace parley::bench::abuse

#include "connect_storm_workload.hpp"
#include "idle_workload.hpp"
#include "messaging_workload.hpp"
#include "sync_workload.hpp"
#include "workload.hpp"

namespace parley::bench {

std::unique_ptr<Workload> make_workload(const BenchOptions& options, PhaseSync& sync,
                                        unsigned thread) {
    switch (options.workload) {
        case WorkloadKind::private_chat:
        case WorkloadKind::group:
            return std::make_unique<MessagingWorkload>(options, sync, thread);
        case WorkloadKind::idle:
            return std::make_unique<IdleWorkload>(options, sync, thread);
        case WorkloadKind::connect:
            return std::make_unique<ConnectStormWorkload>(options, sync, thread);
        case WorkloadKind::sync:
            return std::make_unique<SyncWorkload>(options, sync, thread);
    }
    return nullptr;
}

}  // namespace parley::bench

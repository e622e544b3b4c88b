#pragma once
// What the generator measures about processes: its own CPU time, a server's resident memory,
// and the open-file limit it needs for many connections.

#include <cstdint>
#include <optional>

namespace parley::bench {

struct CpuTimes {
    double user_s = 0;
    double system_s = 0;
    double total() const noexcept { return user_s + system_s; }
};

/// CPU time of the calling thread so far.
CpuTimes thread_cpu();
/// CPU time of the whole generator process so far.
CpuTimes process_cpu();

/// What the scheduler did with another process so far: CPU time it used, and time its threads
/// were runnable but waited for a CPU (the run queue delay from /proc/<pid>/task/*/schedstat).
struct ProcessSchedule {
    double cpu_s = 0;
    double run_delay_s = 0;
};
/// Nothing when the process is gone or /proc does not say.
std::optional<ProcessSchedule> process_schedule(long pid);

/// VmRSS of `pid` in KiB, from /proc/<pid>/status; nothing when it cannot be read.
std::optional<std::uint64_t> resident_kib(long pid);

/// Raises RLIMIT_NOFILE so at least `needed` descriptors can be open: the soft limit up to the
/// hard one, and the hard one too when the process may (root). Returns the soft limit now in
/// effect.
std::uint64_t raise_open_file_limit(std::uint64_t needed);

/// Timers of the calling thread fire within a microsecond instead of the default 50 us slack,
/// so the open loop sends when it means to.
void tighten_timer_slack();

}  // namespace parley::bench

#include "resources.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

namespace parley::bench {
namespace {

double seconds(const timeval& time) {
    return static_cast<double>(time.tv_sec) + static_cast<double>(time.tv_usec) / 1e6;
}

CpuTimes usage(int who) {
    rusage usage{};
    getrusage(who, &usage);
    return CpuTimes{seconds(usage.ru_utime), seconds(usage.ru_stime)};
}

std::uint64_t kernel_open_file_ceiling() {
    std::ifstream file("/proc/sys/fs/nr_open");
    std::uint64_t value = 0;
    file >> value;
    return value == 0 ? 1048576 : value;
}

}  // namespace

CpuTimes thread_cpu() {
    return usage(RUSAGE_THREAD);
}

CpuTimes process_cpu() {
    return usage(RUSAGE_SELF);
}

std::optional<ProcessSchedule> process_schedule(long pid) {
    const std::string proc = "/proc/" + std::to_string(pid);
    std::ifstream stat(proc + "/stat");
    std::string text;
    if (!std::getline(stat, text)) {
        return std::nullopt;
    }
    // Fields after the command (which may hold spaces) start after the last ')'; utime and
    // stime are fields 14 and 15, the 12th and 13th after it.
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::string field;
    double ticks = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
        if (i >= 14) {
            ticks += std::stod(field);
        }
    }
    ProcessSchedule schedule;
    schedule.cpu_s = ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
    std::error_code error;
    for (const auto& task : std::filesystem::directory_iterator(proc + "/task", error)) {
        std::ifstream schedstat(task.path() / "schedstat");
        double running_ns = 0;
        double waiting_ns = 0;
        if (schedstat >> running_ns >> waiting_ns) {
            schedule.run_delay_s += waiting_ns / 1e9;
        }
    }
    return schedule;
}

std::optional<std::uint64_t> resident_kib(long pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.starts_with("VmRSS:")) {
            std::istringstream fields(line.substr(6));
            std::uint64_t kib = 0;
            if (fields >> kib) {
                return kib;
            }
        }
    }
    return std::nullopt;
}

std::uint64_t raise_open_file_limit(std::uint64_t needed) {
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur >= needed) {
        return limit.rlim_cur;
    }
    if (limit.rlim_max < needed) {
        rlimit raised = limit;
        raised.rlim_max = std::min<rlim_t>(needed, kernel_open_file_ceiling());
        raised.rlim_cur = raised.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) {
            return raised.rlim_cur;
        }
    }
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
    return limit.rlim_cur;
}

void tighten_timer_slack() {
    prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL);
}

}  // namespace parley::bench

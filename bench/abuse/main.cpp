// parley-abuse: one attack on a running parleyd while an innocent pair of users measures how
// the node serves them, and the node's resident memory is sampled throughout.
//
// A program of its own rather than a parley-bench workload: parley-bench runs N identical
// threads of one workload and reports one throughput, while an abuse run is two different
// actors at once (the attacker and the innocent, on separate threads so the attacker's work
// never delays the innocent's clock), a memory sampler, and phases before and after the attack
// that are judged separately. It reuses parley-bench's connections, Parley adapter and
// helpers (the parley-bench-common library).
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>

#include "abuse_options.hpp"
#include "abuse_report.hpp"
#include "attack.hpp"
#include "innocent_pair.hpp"
#include "resources.hpp"

namespace {

using namespace parley::bench;
using namespace parley::bench::abuse;
using namespace std::chrono_literals;

constexpr auto kRssEvery = 100ms;
// The attacker's own descriptors: its connections, the innocent's, and a few of the program's.
constexpr std::uint64_t kSpareDescriptors = 64;

}  // namespace

int main(int argc, char** argv) {
    AbuseOptions options;
    try {
        if (!parse_options(argc, argv, options)) {
            return 0;
        }
        const std::uint64_t needed =
            std::uint64_t{options.connections} + options.online_members + kSpareDescriptors;
        if (raise_open_file_limit(needed) < needed) {
            std::fprintf(stderr, "parley-abuse: %llu open files needed; raise `ulimit -n`\n",
                         static_cast<unsigned long long>(needed));
            return 2;
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "parley-abuse: %s\n", e.what());
        return 2;
    }
    std::signal(SIGPIPE, SIG_IGN);

    std::atomic<bool> innocent_ready{false};
    std::atomic<bool> innocent_stop{false};
    std::atomic<bool> attack_done{false};
    std::string failure;
    std::mutex failure_mutex;
    const auto fail = [&](const char* who, const std::exception& e) {
        const std::lock_guard lock(failure_mutex);
        failure += std::string(who) + ": " + e.what() + "\n";
    };

    RunRecord record;
    std::unique_ptr<InnocentPair> innocent;
    std::unique_ptr<Attack> attack;
    try {
        innocent = std::make_unique<InnocentPair>(options);
        attack = make_attack(options);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "parley-abuse: %s\n", e.what());
        return 2;
    }

    std::thread innocent_thread([&] {
        tighten_timer_slack();
        try {
            innocent->run(innocent_stop, innocent_ready);
        } catch (const std::exception& e) {
            fail("innocent", e);
        }
    });
    std::thread attack_thread([&] {
        try {
            record.timeline = attack->run(innocent_ready);
        } catch (const std::exception& e) {
            fail("attack", e);
        }
        attack_done.store(true);
    });

    // The node's memory every 100 ms, through the attack and the recovery after it.
    std::uint64_t recovery_end_ns = 0;
    for (;;) {
        const auto now = steady_ns();
        if (const auto kib = resident_kib(options.server_pid)) {
            const auto schedule = process_schedule(options.server_pid).value_or(ProcessSchedule{});
            record.rss.push_back({now, *kib, schedule.cpu_s, schedule.run_delay_s});
        }
        if (attack_done.load() && recovery_end_ns == 0) {
            recovery_end_ns = now + static_cast<std::uint64_t>(
                                        std::chrono::nanoseconds(options.recovery).count());
        }
        if (recovery_end_ns != 0 && now >= recovery_end_ns) {
            break;
        }
        std::this_thread::sleep_for(kRssEvery);
    }
    record.end_ns = steady_ns();
    innocent_stop.store(true);
    attack_thread.join();
    innocent_thread.join();

    if (!failure.empty()) {
        std::fprintf(stderr, "parley-abuse: %s", failure.c_str());
        return 2;
    }
    record.innocent = innocent.get();
    record.attack = attack.get();
    const auto json = abuse_report_json(options, record);
    if (options.json_file.empty()) {
        std::cout << json << std::endl;
    } else {
        std::ofstream file(options.json_file);
        file << json << '\n';
        if (!file) {
            std::fprintf(stderr, "parley-abuse: cannot write %s\n", options.json_file.c_str());
            return 2;
        }
    }
    return record.timeline.setup_complete ? 0 : 1;
}

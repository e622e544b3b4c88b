#include "idle_workload.hpp"

#include <boost/asio/steady_timer.hpp>

#include "resources.hpp"

namespace parley::bench {

namespace {
// An idle connection reads only answers to its login and heartbeats.
constexpr std::size_t kReadChunk = 512;
}  // namespace

IdleWorkload::IdleWorkload(const BenchOptions& options, PhaseSync& sync, unsigned thread)
    : Workload(options, sync, thread) {
    const auto share = share_of(options.connections, thread, options.threads);
    spread_sources(options.connections);
    connections_.reserve(share.size());
    for (std::uint32_t local = 0; local < share.size(); ++local) {
        const std::uint32_t user = share.begin + local;
        auto& connection = add_connection(local, kReadChunk);
        plan_login(connection, LoginRequest{options.id_base + user, true, {}, false},
                   user % servers_.size());
    }
}

void IdleWorkload::read_server_rss(std::optional<std::uint64_t>& into) const {
    if (options_.server_pid > 0) {
        into = resident_kib(options_.server_pid);
    }
}

RunResult IdleWorkload::run() {
    sync_.arrive_and_wait(true, [this] { read_server_rss(result_.server_rss_before_kib); });
    const bool ready = connect_planned();
    sync_.arrive_and_wait(ready);
    if (sync_.all_ok()) {
        start_heartbeats();
        const auto cpu_before = thread_cpu().total();
        server_window_begin();
        boost::asio::steady_timer hold(loop_.io(), options_.hold);
        hold.async_wait([this](const boost::system::error_code& error) {
            if (!error) {
                stop();
            }
        });
        run_loop();
        result_.window_seconds = static_cast<double>(options_.hold.count()) / 1e3;
        result_.window_cpu_seconds = thread_cpu().total() - cpu_before;
        server_window_end();
    } else {
        result_.note_error("not every connection logged in");
    }
    // Read while every connection is still open.
    sync_.arrive_and_wait(true, [this] { read_server_rss(result_.server_rss_after_kib); });
    shut_down();
    return result_;
}

}  // namespace parley::bench

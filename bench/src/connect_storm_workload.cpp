#include "connect_storm_workload.hpp"

#include <algorithm>
#include <string>

#include <boost/asio/post.hpp>

#include "resources.hpp"

namespace parley::bench {

namespace {
constexpr std::size_t kReadChunk = 512;
// Give up when the server refuses nearly everything; the report then says why.
constexpr std::uint64_t kFailureLimit = 1000;
}  // namespace

ConnectStormWorkload::ConnectStormWorkload(const BenchOptions& options, PhaseSync& sync,
                                           unsigned thread)
    : Workload(options, sync, thread), deadline_(loop_.io()) {
    const auto slots = std::max<std::uint32_t>(1, options.connect_concurrency / options.threads);
    for (std::uint32_t slot = 0; slot < slots; ++slot) {
        add_connection(slot, kReadChunk);
    }
    if (options.connects > 0) {
        const std::uint64_t total = options.connects;
        quota_ = total * (thread + 1) / options.threads - total * thread / options.threads;
    }
}

RunResult ConnectStormWorkload::run() {
    const auto start = sync_.arrive_and_wait(true);
    const auto cpu_before = thread_cpu().total();
    server_window_begin();
    if (options_.connects == 0) {
        deadline_.expires_at(std::chrono::steady_clock::time_point(std::chrono::nanoseconds(start) +
                                                                   options_.duration));
        deadline_.async_wait([this](const boost::system::error_code& error) {
            if (!error) {
                finish();
            }
        });
    }
    for (auto& connection : connections_) {
        open_next(*connection);
    }
    loop_.flush();
    if (!stopping_) {
        run_loop();
    }
    deadline_.cancel();
    const auto end = end_ns_ == 0 ? steady_ns() : end_ns_;
    result_.window_seconds = static_cast<double>(end - start) / 1e9;
    result_.window_cpu_seconds = thread_cpu().total() - cpu_before;
    server_window_end();
    result_.logins_completed = finished_logins_;
    result_.connections_wanted = options_.connects == 0 ? started_ : quota_;
    result_.connections_ready = finished_logins_;
    result_.connection_failures = failures_;
    shut_down();
    return result_;
}

void ConnectStormWorkload::open_next(Connection& connection) {
    if (stopping_ || started_ >= quota_) {
        if (in_flight_ == 0) {
            finish();
        }
        return;
    }
    const std::uint64_t n = started_++;
    ++in_flight_;
    const auto id = static_cast<std::uint32_t>(options_.id_base + thread_ + options_.threads * n);
    connection.open(servers_[n % servers_.size()], source_for(n),
                    LoginRequest{id, false, {}, false});
}

void ConnectStormWorkload::reopen_later(Connection& connection) {
    // Not from inside the connection's own parser: its buffers are in use there.
    boost::asio::post(loop_.io(), [this, &connection] {
        connection.close(true);
        open_next(connection);
        loop_.flush();
    });
}

void ConnectStormWorkload::on_ready(Connection& connection) {
    if (stopping_) {
        return;
    }
    --in_flight_;
    ++finished_logins_;
    result_.login_latency.record(steady_ns() - connection.opened_ns());
    reopen_later(connection);
}

void ConnectStormWorkload::on_refused(Connection& connection, std::string_view reason) {
    ++result_.refused;
    result_.note_error(std::string{reason});
    if (!stopping_ && !connection.ready() && connection.is_open()) {
        connection.close(true);  // inside the parser: buffers stay valid, no on_closed follows
        count_failure(connection);
    }
}

void ConnectStormWorkload::on_closed(Connection& connection, std::string_view reason) {
    if (stopping_ || connection.ready()) {
        return;  // a finished login whose reset is already on its way
    }
    result_.note_error("connection closed: " + std::string{reason});
    count_failure(connection);
}

void ConnectStormWorkload::count_failure(Connection& connection) {
    --in_flight_;
    ++failures_;
    if (failures_ > kFailureLimit && failures_ > finished_logins_) {
        result_.note_error("stopped: the server refused more connections than it accepted");
        finish();
        return;
    }
    reopen_later(connection);
}

void ConnectStormWorkload::finish() {
    if (stopping_) {
        return;
    }
    stopping_ = true;
    end_ns_ = steady_ns();
    stop();
}

}  // namespace parley::bench

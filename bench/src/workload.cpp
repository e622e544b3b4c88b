#include "workload.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include <boost/asio/ip/address_v4.hpp>

namespace parley::bench {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kHeartbeatTick = std::chrono::milliseconds(100);
// Ephemeral ports one source address can use towards one server, with room to spare.
constexpr std::uint64_t kConnectionsPerSource = 20000;
constexpr std::uint32_t kMaxSources = 254;

std::vector<tcp::endpoint> resolve(asio::io_context& io, const std::vector<Endpoint>& endpoints) {
    tcp::resolver resolver(io);
    std::vector<tcp::endpoint> out;
    for (const auto& endpoint : endpoints) {
        boost::system::error_code error;
        const auto results = resolver.resolve(endpoint.host, std::to_string(endpoint.port),
                                              tcp::resolver::numeric_service, error);
        if (error || results.empty()) {
            throw std::runtime_error("cannot resolve " + endpoint.host + ": " + error.message());
        }
        out.push_back(results.begin()->endpoint());
    }
    return out;
}

}  // namespace

Share share_of(std::uint32_t total, unsigned thread, unsigned threads) {
    const std::uint64_t begin = std::uint64_t{total} * thread / threads;
    const std::uint64_t end = std::uint64_t{total} * (thread + 1) / threads;
    return Share{thread, threads, static_cast<std::uint32_t>(begin),
                 static_cast<std::uint32_t>(end)};
}

Workload::Workload(const BenchOptions& options, PhaseSync& sync, unsigned thread)
    : options_(options),
      sync_(sync),
      thread_(thread),
      protocol_(make_protocol(options)),
      servers_(resolve(loop_.io(), options.endpoints)),
      heartbeat_timer_(loop_.io()) {
    if (options.transport != Transport::tcp) {
        layers_ = std::make_unique<StreamLayerFactory>(options, *protocol_, servers_);
    }
}

Workload::~Workload() = default;

Connection& Workload::add_connection(std::uint32_t user, std::size_t read_chunk) {
    ConnectionEvents& events = *this;  // the base is protected: convert here, not in make_unique
    connections_.push_back(
        std::make_unique<Connection>(loop_, *protocol_, events, user, read_chunk, layers_.get()));
    return *connections_.back();
}

void Workload::plan_login(Connection& connection, const LoginRequest& login, std::size_t endpoint) {
    planned_.push_back(PlannedLogin{&connection, login, endpoint % servers_.size()});
}

bool Workload::connect_planned() {
    const auto started = steady_ns();
    result_.connections_wanted += planned_.size();
    connecting_ = true;
    asio::steady_timer deadline(loop_.io(), options_.ready_timeout);
    deadline.async_wait([this](const boost::system::error_code& error) {
        if (!error && connecting_) {
            result_.note_error(std::to_string(planned_.size() - logins_done_) + " of " +
                               std::to_string(planned_.size()) + " logins not complete after " +
                               std::to_string(options_.ready_timeout.count()) + " ms");
            connecting_ = false;
            stop();
        }
    });
    open_more();
    if (connecting_) {
        run_loop();
    }
    deadline.cancel();
    result_.connect_seconds = static_cast<double>(steady_ns() - started) / 1e9;
    return result_.connections_ready == planned_.size();
}

void Workload::open_more() {
    const std::size_t concurrency =
        std::max<std::size_t>(1, options_.connect_concurrency / options_.threads);
    while (connecting_ && logins_in_flight_ < concurrency && next_planned_ < planned_.size()) {
        const auto n = next_planned_++;
        ++logins_in_flight_;
        const auto& plan = planned_[n];
        plan.connection->open(servers_[plan.endpoint], source_for(n), plan.login);
    }
}

void Workload::login_finished() {
    --logins_in_flight_;
    ++logins_done_;
    if (logins_done_ == planned_.size()) {
        connecting_ = false;
        stop();
        return;
    }
    open_more();
}

void Workload::on_ready(Connection& connection) {
    if (!connecting_) {
        return;
    }
    ++result_.connections_ready;
    if (layers_ && result_.tls.empty()) {
        result_.tls = connection.tls_description();
    }
    result_.login_latency.record(steady_ns() - connection.opened_ns());
    login_finished();
}

void Workload::on_delivery(Connection& /*connection*/, std::string_view /*payload*/) {}

void Workload::on_ack(Connection& /*connection*/) {
    ++result_.acks;
}

void Workload::on_refused(Connection& connection, std::string_view reason) {
    ++result_.refused;
    result_.note_error(std::string{reason});
    if (connecting_ && !connection.ready() && connection.is_open()) {
        // A refused login: closing here (buffers stay valid) means no on_closed follows.
        connection.close();
        ++result_.connection_failures;
        login_finished();
    }
}

void Workload::on_closed(Connection& connection, std::string_view reason) {
    result_.note_error("connection closed: " + std::string{reason});
    if (connecting_ && !connection.ready()) {
        ++result_.connection_failures;
        login_finished();
    } else {
        ++result_.connections_dropped;
    }
}

void Workload::server_window_begin() {
    if (thread_ == 0 && options_.server_pid > 0) {
        server_at_begin_ = process_schedule(options_.server_pid);
    }
}

void Workload::server_window_end() {
    if (!server_at_begin_) {
        return;
    }
    if (const auto now = process_schedule(options_.server_pid)) {
        result_.server_cpu_s = now->cpu_s - server_at_begin_->cpu_s;
        result_.server_run_delay_s = now->run_delay_s - server_at_begin_->run_delay_s;
    }
    server_at_begin_.reset();
}

void Workload::spread_sources(std::uint64_t total) {
    if (options_.source_addresses > 0) {
        source_count_ = std::min(options_.source_addresses, kMaxSources);
    } else if (total > kConnectionsPerSource) {
        source_count_ = static_cast<std::uint32_t>(std::min<std::uint64_t>(
            (total + kConnectionsPerSource - 1) / kConnectionsPerSource, kMaxSources));
    }
}

std::optional<asio::ip::address> Workload::source_for(std::uint64_t n) const {
    if (source_count_ == 0) {
        return std::nullopt;
    }
    // 127.0.0.1 .. 127.0.0.N; the whole 127/8 is loopback on Linux.
    const auto host = static_cast<std::uint32_t>(1 + (n + thread_) % source_count_);
    return asio::ip::address_v4((127U << 24) | host);
}

void Workload::start_heartbeats() {
    heartbeats_on_ = true;
    heartbeat_tick();
}

void Workload::stop_heartbeats() {
    heartbeats_on_ = false;
    heartbeat_timer_.cancel();
}

void Workload::heartbeat_tick() {
    if (!heartbeats_on_) {
        return;
    }
    const std::size_t slices = std::max<std::size_t>(
        1, static_cast<std::size_t>(options_.heartbeat_interval / kHeartbeatTick));
    for (std::size_t i = heartbeat_tick_ % slices; i < connections_.size(); i += slices) {
        auto& connection = *connections_[i];
        if (connection.is_open() && connection.ready()) {
            protocol_->write_heartbeat(connection.state(), connection.out());
            connection.queued();
        }
    }
    ++heartbeat_tick_;
    loop_.flush();
    heartbeat_timer_.expires_after(kHeartbeatTick);
    heartbeat_timer_.async_wait([this](const boost::system::error_code& error) {
        if (!error) {
            heartbeat_tick();
        }
    });
}

void Workload::run_loop() {
    loop_.io().restart();
    loop_.io().run();
}

void Workload::shut_down() {
    stop_heartbeats();
    for (auto& connection : connections_) {
        connection->close();
    }
    run_loop();  // every pending operation completes as aborted; then run() returns
}

}  // namespace parley::bench

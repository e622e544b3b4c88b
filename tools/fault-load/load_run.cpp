#include "load_run.hpp"

#include <csignal>
#include <random>

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <parley/client/client_config.hpp>

namespace parley::tools {
namespace {

constexpr std::chrono::milliseconds kTick{200};

client::ClientConfig discovery_config(const LoadOptions& options) {
    if (!options.config.empty()) {
        return client::load_client_config(options.config);
    }
    client::ClientConfig config;
    config.servers = options.servers;
    return config;
}

/// User i joins groups i, i+1, ... (mod the group count), numbered from 1.
std::vector<GroupId> groups_of(int index, const LoadOptions& options) {
    std::vector<GroupId> groups;
    for (int k = 0; k < options.groups_per_user; ++k) {
        groups.push_back(static_cast<GroupId>((index + k) % options.groups + 1));
    }
    return groups;
}

}  // namespace

LoadRun::LoadRun(asio::io_context& io, const LoadOptions& options, EventLog& log)
    : io_(io),
      options_(options),
      log_(log),
      ticker_(io),
      signals_(io, SIGTERM, SIGINT),
      parent_(::getppid()) {
    auto discovery =
        client::make_discovery(discovery_config(options), io.get_executor(), "parley-fault-load");
    for (int i = 0; i < options.users; ++i) {
        users_.push_back(std::make_unique<LoadUser>(io, options,
                                                    options.first_user + static_cast<UserId>(i),
                                                    groups_of(i, options), discovery, log));
    }
}

LoadRun::~LoadRun() = default;

int LoadRun::run() {
    phase_event("warmup");
    phase_start_ = std::chrono::steady_clock::now();
    for (auto& user : users_) {
        user->start();
    }
    signals_.async_wait([this](const boost::system::error_code& ec, int) {
        if (!ec && phase_ < Phase::drain) {
            enter(Phase::drain);
        }
    });
    tick();
    io_.run();
    return status_;
}

void LoadRun::phase_event(const char* name) {
    FaultEvent event;
    event.kind = EventKind::phase;
    event.text = name;
    log_.write(std::move(event));
}

void LoadRun::enter(Phase phase) {
    phase_ = phase;
    phase_start_ = std::chrono::steady_clock::now();
    switch (phase) {
        case Phase::warmup:
            break;
        case Phase::traffic: {
            phase_event("traffic");
            std::mt19937_64 rng(options_.seed);
            const auto spread = static_cast<std::uint64_t>(1000.0 / options_.rate) + 1;
            for (auto& user : users_) {
                user->start_traffic(std::chrono::milliseconds{rng() % spread});
            }
            break;
        }
        case Phase::drain:
            phase_event("drain");
            for (auto& user : users_) {
                user->stop_traffic();
            }
            break;
        case Phase::end:
            phase_event("end");
            for (auto& user : users_) {
                user->stop();
            }
            signals_.cancel();
            // A discovery watch may keep the loop busy: stop it once the goodbyes are out.
            ticker_.expires_after(std::chrono::seconds{3});
            ticker_.async_wait([this](const boost::system::error_code&) { io_.stop(); });
            break;
    }
}

void LoadRun::tick() {
    const auto elapsed = std::chrono::steady_clock::now() - phase_start_;
    const bool orphan = ::getppid() != parent_;
    if (orphan && phase_ < Phase::end) {
        spdlog::warn("fault-load: the parent process exited; stopping");
        enter(Phase::end);
    }
    switch (phase_) {
        case Phase::warmup: {
            bool ready = true;
            for (const auto& user : users_) {
                ready = ready && user->ready();
            }
            if (ready) {
                enter(Phase::traffic);
            } else if (elapsed > options_.warmup_limit) {
                spdlog::error("fault-load: logins and joins not done within {} s",
                              options_.warmup_limit.count());
                status_ = 1;
                enter(Phase::end);
            }
            break;
        }
        case Phase::traffic: {
            std::error_code ec;
            const bool stop_file =
                !options_.stop_file.empty() && std::filesystem::exists(options_.stop_file, ec);
            const bool timed_out = options_.duration.count() > 0 && elapsed >= options_.duration;
            if (stop_file || timed_out) {
                enter(Phase::drain);
            }
            break;
        }
        case Phase::drain:
            if (elapsed >= options_.drain) {
                enter(Phase::end);
            }
            break;
        case Phase::end:
            break;
    }
    if (phase_ == Phase::end) {
        return;  // the ticker now stops the loop
    }
    ticker_.expires_after(kTick);
    ticker_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) {
            tick();
        }
    });
}

}  // namespace parley::tools

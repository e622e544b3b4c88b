#include "load_user.hpp"

#include <spdlog/spdlog.h>

#include <parley/client/server_picker.hpp>

#include "message_body.hpp"

namespace parley::tools {
namespace {

bool local_error(const std::string& message) {
    return message.starts_with("not sent:") || message.starts_with("no answer:");
}

}  // namespace

LoadUser::LoadUser(asio::io_context& io, const LoadOptions& options, UserId user,
                   std::vector<GroupId> groups, std::shared_ptr<client::Discovery> discovery,
                   EventLog& log)
    : io_(io),
      options_(options),
      user_(user),
      groups_(std::move(groups)),
      discovery_(std::move(discovery)),
      log_(log),
      rng_(options.seed * 1000003 + user),
      send_timer_(io),
      restart_timer_(io) {}

LoadUser::~LoadUser() = default;

void LoadUser::start() {
    make_client();
}

void LoadUser::make_client() {
    client::ClientOptions options;
    options.user_id = user_;
    options.token = "fault-load";
    options.client_name = "parley-fault-load/0.1";
    options.backoff.max = options_.max_backoff;
    options.first_msg_id = next_id_;
    if (client_) {
        options.initial_positions = client_->positions();
        retired_.push_back(std::move(client_));
    }
    client_ = client::Client::create(io_.get_executor(), options, discovery_,
                                     client::make_server_picker(options_.policy, rng_()));
    client_->set_events(events());
    client_->start();
    // Joins not yet acknowledged go again on the new client.
    pending_joins_.clear();
    for (const GroupId group : groups_) {
        if (!joined_.contains(group)) {
            join(group);
        }
    }
}

client::ClientEvents LoadUser::events() {
    client::ClientEvents events;
    events.on_connected = [this](const client::ConnectedInfo& info) { on_connected(info); };
    std::weak_ptr<client::Client> owner = client_;
    events.on_disconnected = [this, owner](const client::DisconnectedInfo& info) {
        on_disconnected(owner.lock(), info);
    };
    events.on_ack = [this](std::uint64_t id, std::uint64_t server_msg_id) {
        on_ack(id, server_msg_id);
    };
    events.on_error = [this](const client::ServerError& error) { on_error(error); };
    events.on_message = [this](const client::ChatEvent& event) { on_message(event); };
    return events;
}

std::uint64_t LoadUser::take_id() {
    return next_id_++;
}

void LoadUser::join(GroupId group) {
    const std::uint64_t expected = take_id();
    const std::uint64_t id = client_->join(group);
    if (id != expected) {
        spdlog::error("fault-load: user {} join got id {}, expected {}", user_, id, expected);
    }
    pending_joins_[id] = group;
}

void LoadUser::join_retry(GroupId group) {
    auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::seconds{1});
    timer->async_wait([this, timer, group](const boost::system::error_code& ec) {
        if (!ec && !stopping_ && !joined_.contains(group)) {
            join(group);
        }
    });
}

void LoadUser::on_connected(const client::ConnectedInfo& info) {
    FaultEvent event;
    event.kind = EventKind::connect;
    event.user = user_;
    event.text = info.node_id;
    log_.write(std::move(event));
}

void LoadUser::on_disconnected(const std::shared_ptr<client::Client>& from,
                               const client::DisconnectedInfo& info) {
    if (info.was_connected) {
        FaultEvent event;
        event.kind = EventKind::disconnect;
        event.user = user_;
        event.was_connected = true;
        event.text = info.reason.empty() ? "-" : info.reason;
        log_.write(std::move(event));
    }
    if (!info.login_refused || stopping_ || from != client_) {
        return;
    }
    FaultEvent event;
    event.kind = EventKind::refused;
    event.user = user_;
    event.text = info.reason.empty() ? "-" : info.reason;
    log_.write(std::move(event));
    restart_timer_.expires_after(std::chrono::milliseconds{1000 + rng_() % 500});
    restart_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec && !stopping_) {
            make_client();
        }
    });
}

void LoadUser::on_ack(std::uint64_t id, std::uint64_t server_msg_id) {
    if (const auto join = pending_joins_.find(id); join != pending_joins_.end()) {
        joined_.insert(join->second);
        FaultEvent event;
        event.kind = EventKind::member;
        event.user = user_;
        event.peer = join->second;
        log_.write(std::move(event));
        pending_joins_.erase(join);
        return;
    }
    FaultEvent event;
    event.kind = EventKind::ack;
    event.user = user_;
    event.id = id;
    event.server_msg_id = server_msg_id;
    log_.write(std::move(event));
}

void LoadUser::on_error(const client::ServerError& error) {
    FaultEvent event;
    event.kind = EventKind::error;
    event.user = user_;
    event.id = error.ref_id;
    event.code = static_cast<std::uint32_t>(error.code);
    event.local = local_error(error.message);
    event.text = error.message.empty() ? "-" : error.message;
    log_.write(std::move(event));
    if (const auto join = pending_joins_.find(error.ref_id); join != pending_joins_.end()) {
        // A join is part of the warm-up: ask again until it is acknowledged.
        const GroupId group = join->second;
        pending_joins_.erase(join);
        if (!stopping_) {
            join_retry(group);
        }
    }
}

void LoadUser::on_message(const client::ChatEvent& message) {
    FaultEvent event;
    event.kind = EventKind::recv;
    event.user = user_;
    event.group = message.kind == client::ChatKind::group_message;
    event.peer = event.group ? message.to : message.from;
    event.from = message.from;
    event.id = message.client_msg_id;
    event.server_msg_id = message.server_msg_id;
    event.seq = message.seq;
    if (const auto body = parse_body(message.content)) {
        event.body_from = body->from;
        event.body_id = body->id;
    }
    log_.write(std::move(event));
}

void LoadUser::start_traffic(std::chrono::milliseconds delay) {
    sending_ = true;
    schedule_send(delay);
}

void LoadUser::stop_traffic() {
    sending_ = false;
    send_timer_.cancel();
}

void LoadUser::stop() {
    stopping_ = true;
    stop_traffic();
    restart_timer_.cancel();
    client_->stop();
}

void LoadUser::schedule_send(std::chrono::milliseconds delay) {
    send_timer_.expires_after(delay);
    send_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || !sending_) {
            return;
        }
        send_one();
        const auto interval =
            std::chrono::milliseconds{static_cast<std::int64_t>(1000.0 / options_.rate)};
        schedule_send(interval);
    });
}

void LoadUser::send_one() {
    std::uniform_real_distribution<double> share(0.0, 1.0);
    const bool to_group = !groups_.empty() && share(rng_) < options_.group_share;
    FaultEvent event;
    event.kind = EventKind::sent;
    event.user = user_;
    event.group = to_group;
    if (to_group) {
        event.peer = groups_[rng_() % groups_.size()];
    } else {
        // Any other user: ids first_user..first_user+users-1 except this one.
        const auto others = static_cast<std::uint32_t>(options_.users - 1);
        const auto pick = static_cast<std::uint32_t>(rng_() % others);
        event.peer = options_.first_user + pick;
        if (event.peer >= user_) {
            ++event.peer;
        }
    }
    const std::uint64_t expected = take_id();
    event.id = expected;
    // Logged before the call: the answer may come before this function returns.
    log_.write(event);
    const std::string body = make_body(BodyId{user_, expected});
    const std::uint64_t id =
        to_group ? client_->send_group(event.peer, body) : client_->send_private(event.peer, body);
    if (id != expected) {
        spdlog::error("fault-load: user {} message got id {}, expected {}", user_, id, expected);
    }
}

}  // namespace parley::tools

#include "run_log.hpp"

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace parley::tools {

bool SentMessage::server_error() const {
    return std::any_of(errors.begin(), errors.end(), [](const Answer& a) { return !a.local; });
}

void RunLog::add(const FaultEvent& e) {
    last_event_ = std::max(last_event_, e.ms);
    switch (e.kind) {
        case EventKind::phase:
            if (e.text == "traffic") {
                traffic_start_ = e.ms;
            } else if (e.text == "drain") {
                drain_start_ = e.ms;
            }
            break;
        case EventKind::member:
            members_[e.peer].insert(e.user);
            break;
        case EventKind::connect: {
            auto& list = sessions_[e.user];
            if (open_[e.user]) {
                list.back().end = e.ms;
            }
            list.push_back(Session{e.ms, e.ms, e.text});
            open_[e.user] = true;
            break;
        }
        case EventKind::disconnect:
            if (open_[e.user]) {
                sessions_[e.user].back().end = e.ms;
                open_[e.user] = false;
            }
            break;
        case EventKind::refused:
            break;
        case EventKind::sent: {
            SentMessage& m = messages_[{e.user, e.id}];
            m.sender = e.user;
            m.id = e.id;
            m.group = e.group;
            m.peer = e.peer;
            m.sent = e.ms;
            break;
        }
        case EventKind::ack:
            if (auto it = messages_.find({e.user, e.id}); it != messages_.end()) {
                it->second.acked = e.ms;
            }
            break;
        case EventKind::error:
            if (auto it = messages_.find({e.user, e.id}); it != messages_.end()) {
                it->second.errors.push_back(Answer{e.ms, e.code, e.local});
            }
            break;
        case EventKind::recv: {
            Received r{e.ms,   e.user, e.group, e.peer,
                       e.from, e.id,   e.seq,   e.body_from == e.from && e.body_id == e.id};
            message_log_seen_ = message_log_seen_ || e.seq != 0;
            if (auto it = messages_.find({e.from, e.id}); it != messages_.end()) {
                it->second.deliveries[e.user].push_back(e.ms);
            } else {
                ++unknown_received_;
            }
            received_.push_back(r);
            break;
        }
    }
}

void RunLog::finish() {
    for (auto& [user, open] : open_) {
        if (open) {
            sessions_[user].back().end = last_event_;
            open = false;
        }
    }
    if (drain_start_ == 0) {
        drain_start_ = last_event_;
    }
}

std::vector<std::uint32_t> RunLog::recipients(const SentMessage& message) const {
    if (!message.group) {
        return {message.peer};
    }
    std::vector<std::uint32_t> out;
    if (const auto it = members_.find(message.peer); it != members_.end()) {
        for (const auto user : it->second) {
            if (user != message.sender) {
                out.push_back(user);
            }
        }
    }
    return out;
}

bool RunLog::connected_throughout(std::uint32_t user, std::int64_t from, std::int64_t to) const {
    const auto it = sessions_.find(user);
    if (it == sessions_.end()) {
        return false;
    }
    return std::any_of(it->second.begin(), it->second.end(),
                       [&](const Session& s) { return s.start <= from && s.end >= to; });
}

bool RunLog::connected_after(std::uint32_t user, std::int64_t t) const {
    const auto it = sessions_.find(user);
    if (it == sessions_.end()) {
        return false;
    }
    return std::any_of(it->second.begin(), it->second.end(),
                       [&](const Session& s) { return s.end > t; });
}

std::string RunLog::node_at(std::uint32_t user, std::int64_t t) const {
    if (const auto it = sessions_.find(user); it != sessions_.end()) {
        for (const auto& s : it->second) {
            if (s.start <= t && t <= s.end) {
                return s.node;
            }
        }
    }
    return "-";
}

RunLog read_run_log(const std::vector<std::string>& paths, std::size_t& bad_lines) {
    std::vector<FaultEvent> events;
    bad_lines = 0;
    for (const auto& path : paths) {
        std::ifstream in(path);
        if (!in) {
            throw std::runtime_error("cannot read event log " + path);
        }
        for (std::string line; std::getline(in, line);) {
            if (line.empty()) {
                continue;
            }
            if (auto event = parse_event(line)) {
                events.push_back(std::move(*event));
            } else {
                ++bad_lines;
            }
        }
    }
    std::stable_sort(events.begin(), events.end(),
                     [](const FaultEvent& a, const FaultEvent& b) { return a.ms < b.ms; });
    RunLog log;
    for (const auto& event : events) {
        log.add(event);
    }
    log.finish();
    return log;
}

}  // namespace parley::tools

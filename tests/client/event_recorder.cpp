#include "client/event_recorder.hpp"

#include <algorithm>

namespace parley::client::test {

void EventRecorder::add(std::string event) {
    {
        const std::lock_guard lock(mutex_);
        events_.push_back(std::move(event));
    }
    changed_.notify_all();
}

std::optional<std::string> EventRecorder::wait_for(const std::string& prefix,
                                                   std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    std::optional<std::string> found;
    changed_.wait_for(lock, timeout, [&] {
        for (std::size_t i = consumed_; i < events_.size(); ++i) {
            if (events_[i].starts_with(prefix)) {
                found = events_[i];
                consumed_ = i + 1;
                return true;
            }
        }
        return false;
    });
    return found;
}

bool EventRecorder::contains(std::string_view needle) {
    const std::lock_guard lock(mutex_);
    return contains_locked(needle);
}

bool EventRecorder::wait_contains(std::string_view needle, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return contains_locked(needle); });
}

bool EventRecorder::contains_locked(std::string_view needle) const {
    return std::any_of(events_.begin(), events_.end(), [&](const std::string& event) {
        return event.find(needle) != std::string::npos;
    });
}

int EventRecorder::count(std::string_view prefix) {
    const std::lock_guard lock(mutex_);
    return static_cast<int>(
        std::count_if(events_.begin(), events_.end(),
                      [&](const std::string& e) { return e.starts_with(prefix); }));
}

int EventRecorder::count_containing(std::string_view needle) {
    const std::lock_guard lock(mutex_);
    return static_cast<int>(std::count_if(events_.begin(), events_.end(), [&](const auto& e) {
        return e.find(needle) != std::string::npos;
    }));
}

std::string EventRecorder::all() {
    const std::lock_guard lock(mutex_);
    std::string text;
    for (const auto& event : events_) {
        text += event + "\n";
    }
    return text;
}

namespace {

std::string flag(bool value) {
    return value ? "1" : "0";
}

std::string conversation_name(const ConversationId& conversation) {
    return (conversation.kind == ChatKind::group_message ? "g" : "d") +
           std::to_string(conversation.peer);
}

}  // namespace

ClientEvents record_into(EventRecorder& recorder) {
    ClientEvents events;
    events.on_connected = [&recorder](const ConnectedInfo& info) {
        recorder.add("connected " + info.node_id + " " + info.endpoint +
                     " hb=" + std::to_string(info.heartbeat_interval.count()));
    };
    events.on_disconnected = [&recorder](const DisconnectedInfo& info) {
        recorder.add(
            "disconnected was=" + flag(info.was_connected) + " retry=" + flag(info.will_reconnect) +
            " refused=" + flag(info.login_refused) + " caller=" + flag(info.stopped_by_caller) +
            " " + info.endpoint + " " + info.reason);
    };
    events.on_message = [&recorder](const ChatEvent& event) {
        recorder.add(std::string(event.kind == ChatKind::group_message ? "group " : "msg ") +
                     std::to_string(event.from) + " " + std::to_string(event.to) + " " +
                     std::to_string(event.client_msg_id) + " " + event.content);
    };
    events.on_ack = [&recorder](std::uint64_t id, std::uint64_t server_id) {
        recorder.add("ack " + std::to_string(id) + " " + std::to_string(server_id));
    };
    events.on_error = [&recorder](const ServerError& error) {
        recorder.add("error " + std::to_string(static_cast<std::uint32_t>(error.code)) + " " +
                     std::to_string(error.ref_id) + " " + error.message);
    };
    events.on_presence = [&recorder](const UserPage& page) {
        std::string text =
            "users " + std::to_string(page.client_msg_id) + " total=" + std::to_string(page.total);
        for (const UserId user : page.users) {
            text += " " + std::to_string(user);
        }
        recorder.add(text);
    };
    events.on_goodbye = [&recorder](ErrorCode code, const std::string&) {
        recorder.add("goodbye " + std::to_string(static_cast<std::uint32_t>(code)));
    };
    events.on_sync = [&recorder](const SyncReport& report) {
        std::string text = "sync more=" + flag(report.more);
        for (const StreamReport& stream : report.streams) {
            text += " " + conversation_name(stream.conversation) +
                    ":unread=" + std::to_string(stream.unread) + ":lost=" + flag(stream.lost);
        }
        recorder.add(text);
    };
    events.on_history = [&recorder](const HistoryPage& page) {
        std::string text = "history " + std::to_string(page.client_msg_id) + " " +
                           conversation_name(page.conversation) +
                           " first=" + std::to_string(page.first_seq);
        for (const ChatEvent& event : page.messages) {
            text += " " + std::to_string(event.seq) + ":" + event.content;
        }
        recorder.add(text);
    };
    events.on_frame = [&recorder](const Frame& frame) {
        const auto body = frame.body();
        recorder.add("frame " + std::to_string(frame.raw_type()) + " " +
                     std::string(reinterpret_cast<const char*>(body.data()), body.size()));
    };
    return events;
}

}  // namespace parley::client::test

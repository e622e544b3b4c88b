#include "terminal_session.hpp"

#include <iostream>

namespace parley::cli {

TerminalSession::TerminalSession(std::shared_ptr<client::Client> client,
                                 const EventFormatter& formatter, OutputLog& output, bool script)
    : client_(std::move(client)), formatter_(formatter), output_(output), script_(script) {}

client::ClientEvents TerminalSession::events() {
    client::ClientEvents events;
    events.on_connected = [this](const client::ConnectedInfo& info) {
        output_.print(formatter_.connected(info));
    };
    events.on_disconnected = [this](const client::DisconnectedInfo& info) {
        output_.print(formatter_.disconnected(info));
        if (!info.will_reconnect) {
            client_stopped(info.login_refused);
        }
    };
    events.on_message = [this](const client::ChatEvent& event) {
        output_.print(formatter_.message(event));
    };
    events.on_ack = [this](std::uint64_t id, std::uint64_t server_id) {
        output_.print(formatter_.ack(id, server_id));
        settle(id);
    };
    events.on_error = [this](const client::ServerError& error) {
        output_.print(formatter_.error(error));
        if (error.ref_id != 0) {
            settle(error.ref_id);
        }
    };
    events.on_presence = [this](const client::UserPage& page) {
        output_.print(formatter_.users(page));
        settle(page.client_msg_id);
    };
    events.on_goodbye = [this](ErrorCode code, const std::string& message) {
        output_.print(formatter_.goodbye(code, message));
    };
    events.on_frame = [this](const Frame& frame) { output_.print(formatter_.frame(frame)); };
    events.on_sync = [this](const client::SyncReport& report) {
        output_.print(formatter_.sync(report));
    };
    events.on_history = [this](const client::HistoryPage& page) {
        output_.print(formatter_.history(page));
        settle(page.client_msg_id);
    };
    return events;
}

int TerminalSession::run(StdinLines& input) {
    int line_number = 0;
    std::string line;
    for (;;) {
        if (login_refused_) {
            return kExitLoginRefused;
        }
        switch (input.next(line, std::chrono::milliseconds{100})) {
            case StdinLines::Status::timeout:
                continue;
            case StdinLines::Status::eof:
                return finish();
            case StdinLines::Status::line:
                break;
        }
        if (auto status = execute_line(line, ++line_number)) {
            return *status;
        }
    }
}

std::optional<int> TerminalSession::execute_line(std::string_view line, int line_number) {
    const ParseResult parsed = parser_.parse(line);
    if (!parsed.ok()) {
        if (script_) {
            // A script with a typo must fail where it is wrong, not go on half-done.
            std::cerr << "parley-cli: line " << line_number << ": " << parsed.error << '\n';
            return kExitUsage;
        }
        note("! " + parsed.error);
        return std::nullopt;
    }
    return execute(parsed.command, line_number);
}

std::optional<int> TerminalSession::execute(const Command& command, int line_number) {
    switch (command.kind) {
        case CommandKind::none:
            break;
        case CommandKind::msg:
            track(client_->send_private(command.target, command.text));
            break;
        case CommandKind::group:
            track(client_->send_group(command.target, command.text));
            break;
        case CommandKind::join:
            track(client_->join(command.target));
            break;
        case CommandKind::leave:
            track(client_->leave(command.target));
            break;
        case CommandKind::users:
            track(client_->list_users(command.number));
            break;
        case CommandKind::history:
            track(client_->history(
                command.group ? client::ChatKind::group_message : client::ChatKind::private_message,
                command.target));
            break;
        case CommandKind::raw:
            client_->send_raw(Frame::make(FrameType{command.frame_type}, client_->options().user_id,
                                          command.target,
                                          std::span<const std::uint8_t>(command.body)));
            break;
        case CommandKind::help:
            note(CommandParser::help());
            break;
        case CommandKind::quit:
            return finish();
        case CommandKind::sleep:
            output_.sleep_for(std::chrono::milliseconds{command.number});
            break;
        case CommandKind::wait:
            if (!output_.wait_for(command.text, std::chrono::milliseconds{command.number})) {
                if (login_refused_) {
                    return kExitLoginRefused;
                }
                std::cerr << "parley-cli: line " << line_number << ": /wait " << command.text << " "
                          << command.number << ": no such line"
                          << (stopped_ ? " (the client has stopped)" : " in time") << '\n';
                return kExitWaitFailed;
            }
            break;
    }
    return std::nullopt;
}

int TerminalSession::finish() {
    if (script_) {
        wait_for_pending(kDrainTimeout);
    }
    return login_refused_ ? kExitLoginRefused : kExitOk;
}

void TerminalSession::note(const std::string& text) {
    if (script_) {
        std::cerr << text << '\n';
    } else {
        output_.print(text);
    }
}

void TerminalSession::track(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    if (settled_early_.erase(id) == 0) {
        pending_.insert(id);
    }
}

void TerminalSession::settle(std::uint64_t id) {
    {
        std::lock_guard lock(mutex_);
        if (pending_.erase(id) == 0) {
            settled_early_.insert(id);  // the answer beat the command thread's track()
        }
    }
    changed_.notify_all();
}

bool TerminalSession::wait_for_pending(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [this] { return pending_.empty() || stopped_; });
}

void TerminalSession::client_stopped(bool login_refused) {
    login_refused_ = login_refused_ || login_refused;
    {
        std::lock_guard lock(mutex_);
        stopped_ = true;
    }
    changed_.notify_all();
    output_.close();
}

void TerminalSession::shutdown(std::chrono::milliseconds grace) {
    client_->stop();
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, grace, [this] { return stopped_.load(); });
}

}  // namespace parley::cli

#include "memory_log.hpp"

#include <algorithm>
#include <random>
#include <utility>

namespace parley::plugins::message_log_memory {

namespace {

std::uint64_t random_epoch() {
    std::random_device device;
    std::uint64_t epoch = 0;
    while (epoch == 0) {  // 0 reads as "no epoch" to a client
        epoch = (std::uint64_t{device()} << 32) | device();
    }
    return epoch;
}

std::int64_t unix_ms_now() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

MemoryLog::MemoryLog(MemoryLogSettings settings)
    : settings_(std::move(settings)), epoch_(random_epoch()) {}

void MemoryLog::forget_expired_dedup(std::chrono::steady_clock::time_point now) {
    while (!dedup_expiry_.empty() && now - dedup_expiry_.front().first >= settings_.dedup_window) {
        const auto& [at, key] = dedup_expiry_.front();
        // A key appended again after expiring has a newer entry; keep that one.
        if (auto it = dedup_.find(key); it != dedup_.end() && it->second.at == at) {
            dedup_.erase(it);
        }
        dedup_expiry_.pop_front();
    }
}

const MemoryLog::Stream* MemoryLog::find_stream(const Conversation& conversation) const {
    const auto it = streams_.find(conversation);
    return it == streams_.end() ? nullptr : &it->second;
}

MessagePage MemoryLog::empty_page(const Stream* stream) const {
    MessagePage page;
    page.epoch = epoch_;
    page.last_seq = stream ? stream->last_seq : 0;
    page.first_seq = stream ? stream->first_seq() : 1;
    return page;
}

asio::awaitable<AppendResult> MemoryLog::append(Conversation conversation, UserId sender,
                                                std::uint64_t client_msg_id, Frame frame) {
    co_return append_now(conversation, sender, client_msg_id, std::move(frame));
}

AppendResult MemoryLog::append_now(const Conversation& conversation, UserId sender,
                                   std::uint64_t client_msg_id, Frame frame) {
    AppendResult result;
    {
        std::lock_guard lock(mutex_);
        const auto now = std::chrono::steady_clock::now();
        forget_expired_dedup(now);
        const DedupKey key{sender, client_msg_id};
        if (client_msg_id != 0) {
            if (auto it = dedup_.find(key); it != dedup_.end()) {
                result = it->second.result;
                result.duplicate = true;
                result.epoch = epoch_;
                return result;
            }
        }
        Stream& stream = streams_[conversation];
        result.epoch = epoch_;
        result.seq = ++stream.last_seq;
        result.server_msg_id = next_server_msg_id_++;
        stream.messages.push_back(StoredMessage{result.seq, result.server_msg_id, sender,
                                                client_msg_id, unix_ms_now(), std::move(frame)});
        while (stream.messages.size() > settings_.max_messages_per_conversation) {
            stream.messages.pop_front();
        }
        if (conversation.kind == Conversation::Kind::direct) {
            direct_of_user_[conversation.low].insert(conversation);
            direct_of_user_[conversation.high].insert(conversation);
        }
        if (client_msg_id != 0 && settings_.dedup_window.count() > 0) {
            dedup_[key] = FirstAppend{result, now};
            dedup_expiry_.emplace_back(now, key);
        }
    }
    return result;
}

asio::awaitable<MessagePage> MemoryLog::read(Conversation conversation, std::uint64_t after,
                                             std::uint32_t limit) {
    MessagePage page;
    {
        std::lock_guard lock(mutex_);
        const Stream* stream = find_stream(conversation);
        page = empty_page(stream);
        if (stream != nullptr && !stream->messages.empty()) {
            const std::uint64_t start = std::max(after + 1, stream->first_seq());
            for (std::uint64_t seq = start; seq <= stream->last_seq && page.messages.size() < limit;
                 ++seq) {
                page.messages.push_back(stream->messages[seq - stream->first_seq()]);
            }
        }
    }
    co_return page;
}

asio::awaitable<MessagePage> MemoryLog::read_back(Conversation conversation, std::uint64_t before,
                                                  std::uint32_t limit) {
    MessagePage page;
    {
        std::lock_guard lock(mutex_);
        const Stream* stream = find_stream(conversation);
        page = empty_page(stream);
        if (stream != nullptr && !stream->messages.empty()) {
            const std::uint64_t first = stream->first_seq();
            std::uint64_t end =
                before == 0 ? stream->last_seq + 1 : std::min(before, stream->last_seq + 1);
            for (std::uint64_t seq = end; seq > first && page.messages.size() < limit; --seq) {
                page.messages.push_back(stream->messages[seq - 1 - first]);
            }
        }
    }
    co_return page;
}

asio::awaitable<void> MemoryLog::acknowledge(UserId user, Conversation conversation,
                                             std::uint64_t seq) {
    {
        std::lock_guard lock(mutex_);
        std::uint64_t& acked = acked_[{user, conversation}];
        acked = std::max(acked, seq);
    }
    co_return;
}

asio::awaitable<std::vector<StreamPosition>> MemoryLog::positions(UserId user,
                                                                  std::vector<GroupId> groups) {
    std::vector<StreamPosition> found;
    {
        std::lock_guard lock(mutex_);
        std::vector<Conversation> wanted;
        if (auto it = direct_of_user_.find(user); it != direct_of_user_.end()) {
            wanted.assign(it->second.begin(), it->second.end());
        }
        for (const GroupId group : groups) {
            wanted.push_back(Conversation::group(group));
        }
        // Groups the user has a position in (a join sets one).
        for (auto it = acked_.lower_bound({user, Conversation{}});
             it != acked_.end() && it->first.first == user; ++it) {
            if (it->first.second.kind == Conversation::Kind::group) {
                wanted.push_back(it->first.second);
            }
        }
        std::sort(wanted.begin(), wanted.end());
        wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
        found.reserve(wanted.size());
        for (const Conversation& conversation : wanted) {
            StreamPosition position{conversation, epoch_, 1, 0, 0};
            if (const Stream* stream = find_stream(conversation)) {
                position.first_seq = stream->first_seq();
                position.last_seq = stream->last_seq;
            }
            if (auto it = acked_.find({user, conversation}); it != acked_.end()) {
                position.acked = it->second;
            }
            found.push_back(position);
        }
    }
    co_return found;
}

}  // namespace parley::plugins::message_log_memory

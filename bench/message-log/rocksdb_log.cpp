#include "rocksdb_log.hpp"

#include <cstring>
#include <stdexcept>

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

namespace parley::bench {

namespace {

/// kind, low, high, seq, big-endian: one conversation's messages are adjacent, in seq order.
std::string message_key(const Conversation& conversation, std::uint64_t seq) {
    std::string key(17, '\0');
    key[0] = static_cast<char>(conversation.kind);
    for (int i = 0; i < 4; ++i) {
        key[static_cast<std::size_t>(1 + i)] = static_cast<char>(conversation.low >> (24 - 8 * i));
        key[static_cast<std::size_t>(5 + i)] = static_cast<char>(conversation.high >> (24 - 8 * i));
    }
    for (int i = 0; i < 8; ++i) {
        key[static_cast<std::size_t>(9 + i)] = static_cast<char>(seq >> (56 - 8 * i));
    }
    return key;
}

void check(const rocksdb::Status& status, const char* what) {
    if (!status.ok()) {
        throw std::runtime_error(std::string{"rocksdb: "} + what + ": " + status.ToString());
    }
}

}  // namespace

RocksdbLog::RocksdbLog(const std::string& path) {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* db = nullptr;
    check(rocksdb::DB::Open(options, path, &db), "open");
    db_.reset(db);
    thread_ = std::thread([this] { run(); });
}

RocksdbLog::~RocksdbLog() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void RocksdbLog::run() {
    rocksdb::WriteOptions sync;
    sync.sync = true;
    std::vector<Job> batch;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) {
                return;
            }
            batch.swap(queue_);
        }
        rocksdb::WriteBatch write;
        std::vector<AppendResult> results;
        for (const Job& job : batch) {
            const std::uint64_t seq = ++last_seq_[job.conversation];
            const auto bytes = job.frame.bytes();
            write.Put(message_key(job.conversation, seq),
                      rocksdb::Slice(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
            results.push_back(AppendResult{seq, next_id_++, false});
        }
        const rocksdb::Status status = db_->Write(sync, &write);
        for (std::size_t i = 0; i < batch.size(); ++i) {
            if (status.ok()) {
                batch[i].done.set_value(results[i]);
            } else {
                batch[i].done.set_exception(
                    std::make_exception_ptr(std::runtime_error(status.ToString())));
            }
        }
        batch.clear();
    }
}

asio::awaitable<AppendResult> RocksdbLog::append(Conversation conversation, UserId, std::uint64_t,
                                                 Frame frame) {
    return await_foreign<AppendResult>(
        [this, conversation, frame = std::move(frame)](Completer<AppendResult> done) mutable {
            {
                std::lock_guard lock(mutex_);
                queue_.push_back(Job{conversation, std::move(frame), done});
            }
            wake_.notify_one();
        });
}

asio::awaitable<MessagePage> RocksdbLog::read(Conversation conversation, std::uint64_t after,
                                              std::uint32_t limit) {
    MessagePage page;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions{}));
    const std::string end = message_key(conversation, ~std::uint64_t{0});
    for (it->Seek(message_key(conversation, after + 1));
         it->Valid() && it->key().compare(end) < 0 && page.messages.size() < limit; it->Next()) {
        const rocksdb::Slice value = it->value();
        Frame frame = Frame::allocate(static_cast<std::uint32_t>(value.size() - kFrameHeaderSize));
        std::memcpy(frame.mutable_bytes().data(), value.data(), value.size());
        StoredMessage message;
        message.seq = page.messages.size() + after + 1;
        message.frame = std::move(frame);
        page.messages.push_back(std::move(message));
    }
    check(it->status(), "read");
    co_return page;
}

asio::awaitable<MessagePage> RocksdbLog::read_back(Conversation, std::uint64_t, std::uint32_t) {
    throw std::logic_error("not measured");
}
asio::awaitable<void> RocksdbLog::acknowledge(UserId, Conversation, std::uint64_t) {
    throw std::logic_error("not measured");
}
asio::awaitable<std::vector<StreamPosition>> RocksdbLog::positions(UserId, std::vector<GroupId>) {
    throw std::logic_error("not measured");
}

}  // namespace parley::bench

#include "group_writer.hpp"

#include <exception>
#include <utility>

#include <parley/error.hpp>

namespace parley::plugins::memory {

GroupWriter::GroupWriter(std::unique_ptr<GroupsFile> file, GroupMap& map)
    : file_(std::move(file)), map_(map), thread_([this] { run(); }) {}

GroupWriter::~GroupWriter() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

asio::awaitable<bool> GroupWriter::write(GroupChange change) {
    return await_foreign<bool>([this, change](Completer<bool> done) {
        {
            std::lock_guard lock(mutex_);
            queue_.push_back(Pending{change, std::move(done)});
        }
        wake_.notify_one();
    });
}

void GroupWriter::run() {
    std::vector<Pending> batch;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) {
                return;  // stopping, and every caller has been answered
            }
            batch.swap(queue_);
        }
        commit(batch);
        batch.clear();
    }
}

void GroupWriter::commit(std::vector<Pending>& batch) {
    std::vector<GroupChange> changes;
    changes.reserve(batch.size());
    for (const Pending& pending : batch) {
        changes.push_back(pending.change);
    }
    // The callers are answered after the handler, through an exception_ptr: the exception's
    // last reference then goes where ThreadSanitizer can name it (tsan.supp).
    std::exception_ptr failure;
    try {
        file_->commit(changes);
    } catch (...) {
        failure = std::current_exception();
    }
    if (failure) {
        for (const Pending& pending : batch) {
            pending.done.set_exception(failure);
        }
        return;
    }
    // Only this thread changes the map, so it follows the file change for change.
    for (const Pending& pending : batch) {
        pending.done.set_value(map_.apply(pending.change));
    }
}

}  // namespace parley::plugins::memory

#pragma once

#include <memory>
#include <string>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/system/error_code.hpp>

#include "strand_lock.hpp"

struct redisAsyncContext;

namespace parley::plugins::redis {

/// Drives one hiredis async context from the event loop, as hiredis's bundled adapters do for
/// libevent or libuv: hiredis's `ev` hooks (addRead/delRead/addWrite/delWrite/cleanup) start
/// and stop waits for readability and writability of its socket, through a stream_descriptor
/// that only borrows the socket (hiredis closes it).
///
/// attach() installs the hooks; hiredis calls `cleanup` when it frees the context, which detaches
/// the adapter and cancels its waits. A wait that completes afterwards finds the adapter
/// detached and does nothing. Runs on the StrandLock's strand; the hooks are called with its
/// mutex held (hiredis calls them from inside calls the connection makes), and the waits take
/// the mutex before they call back into hiredis.
class AsioRedisAdapter : public std::enable_shared_from_this<AsioRedisAdapter> {
  public:
    /// Installs the hooks on `context`, whose socket must be open. On failure returns what went
    /// wrong and leaves the context untouched.
    static std::string attach(redisAsyncContext* context, const std::shared_ptr<StrandLock>& lock);

    AsioRedisAdapter(redisAsyncContext* context, std::shared_ptr<StrandLock> lock);

  private:
    using WaitType = asio::posix::descriptor_base::wait_type;

    static void add_read(void* data);
    static void del_read(void* data);
    static void add_write(void* data);
    static void del_write(void* data);
    static void cleanup(void* data);
    static AsioRedisAdapter& from(void* data);

    void start_wait(WaitType type);
    void on_ready(WaitType type, const boost::system::error_code& error);
    void detach();

    redisAsyncContext* context_;  ///< null once hiredis has freed it
    std::shared_ptr<StrandLock> lock_;
    asio::posix::stream_descriptor socket_;
    bool want_read_ = false;
    bool reading_ = false;  ///< a read wait is outstanding
    bool want_write_ = false;
    bool writing_ = false;
};

}  // namespace parley::plugins::redis

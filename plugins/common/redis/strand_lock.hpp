#pragma once

#include <mutex>

#include <boost/asio/strand.hpp>

#include <parley/asio.hpp>

namespace parley::plugins::redis {

/// What serialises the plugin's work. Every hiredis call and every piece of connection state
/// runs on `strand`. The mutex is held by each of those handlers too, uncontended, so that the
/// client can be shut down synchronously from any thread even when the event loop is stopped and
/// the strand will never run again.
struct StrandLock {
    explicit StrandLock(const asio::any_io_executor& executor) : strand(executor) {}

    asio::strand<asio::any_io_executor> strand;
    std::mutex mutex;
};

}  // namespace parley::plugins::redis

#pragma once
// Runs an awaitable to completion on a private io_context and returns its result (or rethrows
// its exception), so tests can call asynchronous SPI functions in straight-line code.

#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <parley/asio.hpp>

namespace parley::test {

template <typename T>
T run_awaitable(asio::awaitable<T> awaitable) {
    asio::io_context io;
    auto future = asio::co_spawn(io, std::move(awaitable), asio::use_future);
    io.run();
    return future.get();
}

}  // namespace parley::test

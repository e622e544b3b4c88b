#pragma once
// The parts of Boost.Asio the SDK's interfaces use, under a short name.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

namespace parley {
namespace asio = boost::asio;
}  // namespace parley

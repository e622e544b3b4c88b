#pragma once

#include <boost/asio/basic_stream_socket.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace parley::net {

/// A client connection's socket, tied to its loop's io_context by type: 48 bytes smaller than
/// a tcp::socket (no type-erased executor), and so is every operation started on it.
using LoopSocket =
    boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;

}  // namespace parley::net

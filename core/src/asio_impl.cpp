// The one translation unit that compiles Boost.Asio (BOOST_ASIO_SEPARATE_COMPILATION): every
// other file, in core and in plugins, only declares it, which keeps builds fast.
#include <boost/asio/impl/src.hpp>
// Asio's TLS layer too, for the client library's tls:// (core links OpenSSL for its listeners).
#include <boost/asio/ssl/impl/src.hpp>

// The one translation unit that compiles Boost.Asio (BOOST_ASIO_SEPARATE_COMPILATION): every
// other file, in core and in plugins, only declares it, which keeps builds fast.
#include <boost/asio/impl/src.hpp>

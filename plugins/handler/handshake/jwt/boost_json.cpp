// Boost.JSON's implementation, compiled once here (header-only use): the token code parses
// small JSON objects and needs no library beyond the headers.
#include <boost/json/src.hpp>

// Boost.JSON, header-only: compiled once here for the report tool.
#include <boost/json/src.hpp>

#include <parley/client/discovery.hpp>

namespace parley::client {

Discovery::~Discovery() = default;

}  // namespace parley::client

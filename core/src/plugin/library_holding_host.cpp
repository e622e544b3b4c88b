#include "plugin/library_holding_host.hpp"

#include <stdexcept>

namespace parley::host {

template <class T>
std::shared_ptr<T> LibraryHoldingHost::hold(std::shared_ptr<T> object) const {
    if (!object) {
        throw std::invalid_argument("a plugin registered a null object");
    }
    return hold_library(std::move(object), library_);
}

void LibraryHoldingHost::add_handler(FrameType type, std::shared_ptr<Handler> handler) {
    inner_.add_handler(type, hold(std::move(handler)));
}

void LibraryHoldingHost::add_interceptor(std::shared_ptr<Interceptor> interceptor) {
    inner_.add_interceptor(hold(std::move(interceptor)));
}

void LibraryHoldingHost::set_transport(std::shared_ptr<Transport> transport) {
    inner_.set_transport(hold(std::move(transport)));
}

void LibraryHoldingHost::set_store(std::shared_ptr<Store> store) {
    inner_.set_store(hold(std::move(store)));
}

void LibraryHoldingHost::set_registry(std::shared_ptr<Registry> registry) {
    inner_.set_registry(hold(std::move(registry)));
}

}  // namespace parley::host

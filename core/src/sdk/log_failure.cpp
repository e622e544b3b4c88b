#include <spdlog/spdlog.h>

#include <parley/log_failure.hpp>

namespace parley {

void log_failure(const std::string& what, const std::exception_ptr& failure) {
    if (!failure) {
        return;
    }
    try {
        std::rethrow_exception(failure);
    } catch (const std::exception& e) {
        spdlog::warn("{}: {}", what, e.what());
    } catch (...) {
        spdlog::warn("{}: an exception that is not a std::exception", what);
    }
}

}  // namespace parley

#include <parley/foreign_completion.hpp>

namespace parley::detail {

asio::execution_context::id ForeignWaitService::id;

ForeignWaitService::ForeignWaitService(asio::execution_context& context)
    : asio::execution_context::service(context), waits_(std::make_shared<ForeignWaits>()) {}

ForeignWaitService::~ForeignWaitService() = default;

void ForeignWaitService::shutdown() {
    waits_->close();
}

}  // namespace parley::detail

#include "admin/probes.hpp"

#include <memory>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace parley::admin {
namespace asio = boost::asio;

namespace {

/// Shared by the waiting request and the probes, which may outlive it. Touched on the
/// executor only.
struct ProbeRun {
    explicit ProbeRun(const asio::any_io_executor& executor) : timer(executor) {}
    std::vector<ProbeResult> results;
    std::size_t pending = 0;
    asio::steady_timer timer;
};

std::string describe(const std::exception_ptr& failure) {
    try {
        std::rethrow_exception(failure);
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "failed";
    }
}

}  // namespace

asio::awaitable<std::vector<ProbeResult>> run_probes(asio::any_io_executor executor,
                                                     std::vector<Probe> probes,
                                                     std::chrono::milliseconds deadline) {
    auto run = std::make_shared<ProbeRun>(executor);
    run->pending = probes.size();
    for (const auto& probe : probes) {
        run->results.push_back(
            {probe.name, "no answer within " + std::to_string(deadline.count()) + " ms"});
    }
    run->timer.expires_after(deadline);
    for (std::size_t i = 0; i < probes.size(); ++i) {
        auto finished = [run, i, executor](const std::exception_ptr& failure) {
            // Back on the executor whatever executor the probe ended on.
            asio::post(executor, [run, i, failure] {
                run->results[i].failure =
                    failure ? std::optional<std::string>{describe(failure)} : std::nullopt;
                if (--run->pending == 0) {
                    run->timer.cancel();
                }
            });
        };
        asio::co_spawn(executor, probes[i].run(), std::move(finished));
    }
    if (run->pending > 0) {
        boost::system::error_code ec;
        co_await run->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    co_return run->results;
}

}  // namespace parley::admin

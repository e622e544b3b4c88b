#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

namespace parley::admin {

/// One thing /healthz or /readyz checks: returns when fine, throws (best a parley::Error
/// saying why) when not.
struct Probe {
    std::string name;
    std::function<boost::asio::awaitable<void>()> run;
};

struct ProbeResult {
    std::string name;
    std::optional<std::string> failure;  ///< why it is not fine; nothing when it is
};

/// Runs every probe at once on `executor` and waits for them all, or `deadline` at most: a
/// probe with no answer by then fails with "no answer within N ms" (it may finish later; its
/// result is dropped). Results are in the order of `probes`. Call on `executor`.
boost::asio::awaitable<std::vector<ProbeResult>> run_probes(boost::asio::any_io_executor executor,
                                                            std::vector<Probe> probes,
                                                            std::chrono::milliseconds deadline);

}  // namespace parley::admin

#pragma once
// For registry implementations: one watch(service, on_change) call, shared by the registry
// (which calls it) and the Subscription it returned (which cancels it), so either may go first.

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <parley/registry.hpp>
#include <parley/subscription.hpp>

namespace parley {

class ServiceWatch {
  public:
    using Callback = std::function<void(std::vector<ServiceInstance>)>;

    ServiceWatch(std::string service, Callback on_change);

    const std::string& service() const noexcept { return service_; }

    /// Calls on_change with `instances` unless cancelled. False when cancelled: the registry
    /// may forget this watch.
    bool call(std::vector<ServiceInstance> instances);
    /// No call starts once this returns; a call in progress on another thread is waited for
    /// (one on this thread, i.e. a callback cancelling its own watch, is not).
    void cancel();
    bool cancelled() const noexcept { return cancelled_; }

    /// A Subscription that cancels `watch` when dropped; it keeps only the watch alive, never
    /// the registry.
    static Subscription subscription(const std::shared_ptr<ServiceWatch>& watch);

  private:
    std::string service_;
    Callback on_change_;
    /// Held during a call, so cancel() waits for it; recursive so a callback may cancel.
    mutable std::recursive_mutex calling_;
    std::atomic<bool> cancelled_{false};  ///< read without the lock: registries prune by it
};

}  // namespace parley

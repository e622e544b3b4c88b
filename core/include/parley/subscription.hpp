#pragma once
// A handle on something that calls back (a registry watch): dropping or resetting it
// unsubscribes. Move-only, so exactly one owner decides when the calls stop.

#include <functional>

namespace parley {

class Subscription {
  public:
    Subscription() = default;
    /// `cancel` runs once, when the handle is reset or destroyed. It must not throw.
    explicit Subscription(std::function<void()> cancel);
    ~Subscription();

    Subscription(Subscription&& other) noexcept;
    Subscription& operator=(Subscription&& other) noexcept;
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;

    /// Unsubscribes now; the handle is empty afterwards. Doing it twice does nothing.
    void reset();
    /// Whether the handle still holds a subscription.
    explicit operator bool() const noexcept { return static_cast<bool>(cancel_); }

  private:
    std::function<void()> cancel_;
};

}  // namespace parley

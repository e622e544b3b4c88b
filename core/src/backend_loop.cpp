#include "backend_loop.hpp"

#include <exception>

#include <spdlog/spdlog.h>

namespace parley {

BackendLoop::BackendLoop()
    : work_(context_.get_executor()), thread_([this] {
          // A handler that throws is a backend bug; log it and keep the other backends going.
          for (;;) {
              try {
                  context_.run();
                  return;
              } catch (const std::exception& e) {
                  spdlog::error("a backend's event handler failed: {}", e.what());
              }
          }
      }) {}

BackendLoop::~BackendLoop() {
    stop();
}

void BackendLoop::stop() {
    work_.reset();
    context_.stop();
    if (thread_.joinable()) {
        thread_.join();
    }
}

}  // namespace parley

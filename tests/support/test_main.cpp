// main() of every test program: GoogleTest's, once spdlog's registry exists.
//
// spdlog makes its registry, a function-local static, on first use. When that first use is on
// a test's loop thread while the main thread logs too, ThreadSanitizer cannot see the guard of
// the static (libspdlog is not instrumented) and reports the registry's construction as a race
// with every later use. Made here, before any test starts a thread, it is ordered before them
// all, as it is in parleyd, which sets up logging before it starts a thread.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

int main(int argc, char** argv) {
    spdlog::default_logger_raw();
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}

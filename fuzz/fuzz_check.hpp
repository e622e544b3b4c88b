#pragma once
// The fuzz targets' assertion: a property that fails is a finding, so it stops the run with a
// message, and libFuzzer saves the input that did it.

#include <cstdio>
#include <cstdlib>

// A macro, so the message names the target's file and line.
// NOLINTNEXTLINE(cppcoreguidelines-macro-usage)
#define PARLEY_FUZZ_CHECK(condition)                                                              \
    do {                                                                                          \
        if (!(condition)) {                                                                       \
            std::fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #condition); \
            std::abort();                                                                         \
        }                                                                                         \
    } while (false)

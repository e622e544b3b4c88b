# Instrumented builds, each in a build directory of its own (scripts/test.sh --sanitize,
# scripts/fuzz.sh). Included before any target is defined, so every target of the tree (core,
# plugins, tests) is built the same way: a plugin loaded into an instrumented daemon must be
# instrumented too.
#
#   PARLEY_SANITIZE=address  AddressSanitizer + UndefinedBehaviorSanitizer (LeakSanitizer too)
#   PARLEY_SANITIZE=thread   ThreadSanitizer
#   PARLEY_FUZZ=ON           libFuzzer targets in fuzz/, with ASan + UBSan; clang only
set(PARLEY_SANITIZE "" CACHE STRING "Build with sanitizers: address (ASan+UBSan) or thread (TSan)")
set_property(CACHE PARLEY_SANITIZE PROPERTY STRINGS "" address thread)
option(PARLEY_FUZZ "Build the libFuzzer targets in fuzz/ (clang only)" OFF)

# Frame pointers make the sanitizers' stack traces cheap and complete; an undefined-behaviour
# finding stops the program, so a test cannot pass over one.
set(parley_asan_flags -fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
# The PARLEY_SANITIZE builds: -O1, as the sanitizers' own documentation advises, and line tables
# only (-g1), which is all a report's file:line needs. Together they halve the compile time of
# -O2 -g (RelWithDebInfo), which is what lets CI build a sanitized tree beside the plain one.
# Given after the build type's flags, they win.
set(parley_sanitize_build_flags -O1 -g1)

if(PARLEY_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
        message(FATAL_ERROR "PARLEY_FUZZ=ON needs clang for libFuzzer: configure with "
                            "CXX=clang++ (scripts/fuzz.sh does)")
    endif()
    if(PARLEY_SANITIZE)
        message(FATAL_ERROR "PARLEY_FUZZ=ON brings its own sanitizers; leave PARLEY_SANITIZE empty")
    endif()
    # Coverage instrumentation everywhere; the fuzz targets alone link libFuzzer's main.
    # Clang 14 cannot emit UBSan's `function` check (prologue data) for coroutines built with
    # coverage ("Cannot represent a difference across sections"), so that one check is off.
    add_compile_options(-fsanitize=fuzzer-no-link ${parley_asan_flags} -fno-sanitize=function)
    add_link_options(-fsanitize=address,undefined)
elseif(PARLEY_SANITIZE STREQUAL "address")
    add_compile_options(${parley_asan_flags} ${parley_sanitize_build_flags})
    # GCC's flow analysis sees through the sanitizers' instrumentation poorly and reports
    # -Wmaybe-uninitialized inside Boost.Beast's HTTP parser (a boost::optional returned
    # empty); the plain build, where the warning is an error too, is the one that judges it.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        add_compile_options(-Wno-maybe-uninitialized)
    endif()
    add_link_options(-fsanitize=address,undefined)
elseif(PARLEY_SANITIZE STREQUAL "thread")
    add_compile_options(-fsanitize=thread -fno-omit-frame-pointer ${parley_sanitize_build_flags})
    # ThreadSanitizer does not model atomic_thread_fence (GCC warns, -Wtsan). Asio fences
    # around each handler it runs; the scheduler's mutex, which TSan does see, already orders a
    # handler after whoever queued it, so those fences go. The one left is in Asio's reference
    # count (release decrement, acquire fence), which stays as it is: the warning is off, and
    # scripts/sanitizers/tsan.supp would name it if TSan ever blamed it.
    add_compile_definitions(BOOST_ASIO_DISABLE_FENCED_BLOCK)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        add_compile_options(-Wno-tsan)
    endif()
    add_link_options(-fsanitize=thread)
elseif(PARLEY_SANITIZE)
    message(FATAL_ERROR "PARLEY_SANITIZE='${PARLEY_SANITIZE}': expected address or thread")
endif()

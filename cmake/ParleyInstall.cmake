# Install rules and the CMake package that lets a plugin be built outside this tree:
#
#     find_package(Parley REQUIRED)
#     parley_add_plugin(NAME handler-dice SOURCES plugin.cpp dice_handler.cpp)
#
# Layout under the prefix: bin/parleyd, lib/libparley-{core,proto}.so, lib/parley/plugins/*.so,
# include/parley/** (the SDK), include/parley/wire/ (the generated headers), lib/cmake/Parley/.
#
# parleyd installs itself (core/daemon/daemon.cmake); parley-client and parley-cli are defined in
# client/CMakeLists.txt, which installs them too. A target that should be part of the exported
# package joins the ParleyTargets export set there (install(TARGETS ... EXPORT ParleyTargets)).
include(CMakePackageConfigHelpers)

set(PARLEY_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/Parley)

# The SDK: every header a plugin may include, host/ too (the client library hosts plugins).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/core/include/parley/
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/parley
        FILES_MATCHING PATTERN "*.hpp")

# The generated headers install with parley-proto (core/proto/CMakeLists.txt).

# Exported as Parley::core and Parley::proto, the names in-tree code already uses (aliases).
set_target_properties(parley-core PROPERTIES EXPORT_NAME core)
set_target_properties(parley-proto PROPERTIES EXPORT_NAME proto)
# The SDK's interfaces are coroutines: whoever includes them compiles as C++20 at least.
set_property(TARGET parley-core APPEND PROPERTY INTERFACE_COMPILE_FEATURES cxx_std_20)

install(TARGETS parley-core parley-proto
        EXPORT ParleyTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})

install(EXPORT ParleyTargets
        NAMESPACE Parley::
        FILE ParleyTargets.cmake
        DESTINATION ${PARLEY_INSTALL_CMAKEDIR})

# The plugin API version, read from the SDK so the package can report it without a compiler.
file(STRINGS ${PROJECT_SOURCE_DIR}/core/include/parley/types.hpp parley_api_line
     REGEX "kPluginApiVersion = [0-9]+")
string(REGEX REPLACE ".*kPluginApiVersion = ([0-9]+).*" "\\1" PARLEY_PLUGIN_API_VERSION
       "${parley_api_line}")

configure_package_config_file(
    ${PROJECT_SOURCE_DIR}/cmake/ParleyConfig.cmake.in
    ${PROJECT_BINARY_DIR}/cmake/ParleyConfig.cmake
    INSTALL_DESTINATION ${PARLEY_INSTALL_CMAKEDIR}
    PATH_VARS PARLEY_INSTALL_PLUGINDIR CMAKE_INSTALL_INCLUDEDIR)
# 0.x: a minor release may change the SDK, so only the same major.minor is compatible.
write_basic_package_version_file(
    ${PROJECT_BINARY_DIR}/cmake/ParleyConfigVersion.cmake
    VERSION ${PROJECT_VERSION}
    COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cmake/ParleyConfig.cmake
              ${PROJECT_BINARY_DIR}/cmake/ParleyConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/ParleyPlugin.cmake
        DESTINATION ${PARLEY_INSTALL_CMAKEDIR})

# The shipped configuration, as a starting point for operators (parleyd also has it built in).
install(FILES ${PROJECT_SOURCE_DIR}/config/standalone.yaml
        DESTINATION ${CMAKE_INSTALL_DATADIR}/parley/config)

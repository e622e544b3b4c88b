# The standalone configuration is compiled into parleyd, so it runs with no file at all.
set(PARLEY_EMBEDDED_CONFIG ${PROJECT_SOURCE_DIR}/config/standalone.yaml)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PARLEY_EMBEDDED_CONFIG})
file(READ ${PARLEY_EMBEDDED_CONFIG} PARLEY_STANDALONE_YAML)
configure_file(daemon/embedded_config.cpp.in ${CMAKE_CURRENT_BINARY_DIR}/embedded_config.cpp @ONLY)

add_executable(parleyd daemon/main.cpp daemon/command_line.cpp
                       ${CMAKE_CURRENT_BINARY_DIR}/embedded_config.cpp)
target_include_directories(parleyd PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src
                                           ${CMAKE_CURRENT_SOURCE_DIR}/daemon)
target_compile_definitions(parleyd PRIVATE PARLEY_VERSION="${PROJECT_VERSION}")
target_link_libraries(parleyd PRIVATE parley-core)
parley_warnings(parleyd)
install(TARGETS parleyd RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

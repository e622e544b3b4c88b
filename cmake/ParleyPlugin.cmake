# parley_add_plugin(NAME kind-name SOURCES ...): builds one plugin shared object.
#
# The file is named parley-<kind>-<name>.so, the name the daemon looks for when YAML says
# `<kind>: {plugin: <name>}`. Only the entry symbol is exported; everything else stays hidden so
# two plugins never resolve each other's symbols.
function(parley_add_plugin)
    cmake_parse_arguments(ARG "" "NAME" "SOURCES;LIBRARIES" ${ARGN})
    set(target parley-${ARG_NAME})
    add_library(${target} MODULE ${ARG_SOURCES})
    target_link_libraries(${target} PRIVATE Parley::core ${ARG_LIBRARIES})
    set_target_properties(${target} PROPERTIES
        PREFIX ""
        OUTPUT_NAME ${target}
        LIBRARY_OUTPUT_DIRECTORY ${PARLEY_PLUGIN_OUTPUT_DIRECTORY}
        CXX_VISIBILITY_PRESET hidden
        VISIBILITY_INLINES_HIDDEN ON
        INSTALL_RPATH "$ORIGIN/../..")
    if(COMMAND parley_warnings)
        parley_warnings(${target})
    endif()
    install(TARGETS ${target} LIBRARY DESTINATION ${PARLEY_INSTALL_PLUGINDIR})
endfunction()

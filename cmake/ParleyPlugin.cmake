# parley_add_plugin(NAME kind-name SOURCES ...): builds one plugin shared object.
#
# The file is named parley-<kind>-<name>.so, the name the daemon looks for when YAML says
# `<kind>: {plugin: <name>}`. Only the entry symbol is exported; everything else stays hidden so
# two plugins never resolve each other's symbols.
#
# The same file serves the Parley tree and the installed package (lib/cmake/Parley). In the tree
# the top-level CMakeLists sets the output and install directories; outside it, where
# Parley::core is an imported target, the plugin lands in ${CMAKE_BINARY_DIR}/plugins and installs
# to lib/parley/plugins unless the project set PARLEY_PLUGIN_OUTPUT_DIRECTORY or
# PARLEY_INSTALL_PLUGINDIR itself.
function(parley_add_plugin)
    cmake_parse_arguments(ARG "" "NAME" "SOURCES;LIBRARIES" ${ARGN})
    set(target parley-${ARG_NAME})
    set(output_dir ${PARLEY_PLUGIN_OUTPUT_DIRECTORY})
    set(install_dir ${PARLEY_INSTALL_PLUGINDIR})
    set(rpath "$ORIGIN/../..")
    get_target_property(core_imported Parley::core IMPORTED)
    if(core_imported)
        if(NOT output_dir)
            set(output_dir ${CMAKE_BINARY_DIR}/plugins)
        endif()
        if(NOT install_dir)
            if(NOT CMAKE_INSTALL_LIBDIR)
                include(GNUInstallDirs)
            endif()
            set(install_dir ${CMAKE_INSTALL_LIBDIR}/parley/plugins)
        endif()
        # The daemon has libparley-core loaded already; the extra path only helps tools like ldd
        # when the plugin is installed under another prefix than Parley.
        get_target_property(core_location Parley::core LOCATION)
        get_filename_component(core_dir "${core_location}" DIRECTORY)
        list(APPEND rpath "${core_dir}")
    endif()

    add_library(${target} MODULE ${ARG_SOURCES})
    target_link_libraries(${target} PRIVATE Parley::core ${ARG_LIBRARIES})
    set_target_properties(${target} PROPERTIES
        PREFIX ""
        OUTPUT_NAME ${target}
        LIBRARY_OUTPUT_DIRECTORY ${output_dir}
        CXX_VISIBILITY_PRESET hidden
        VISIBILITY_INLINES_HIDDEN ON
        INSTALL_RPATH "${rpath}")
    if(COMMAND parley_warnings)
        parley_warnings(${target})
    endif()
    install(TARGETS ${target} LIBRARY DESTINATION ${install_dir})
endfunction()

# parley_warnings(target): the project's warning set; warnings are errors unless PARLEY_WERROR=OFF.
function(parley_warnings target)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                             -Wold-style-cast -Wcast-align -Woverloaded-virtual
                                             -Wimplicit-fallthrough)
    if(PARLEY_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
endfunction()

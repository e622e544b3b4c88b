# install rules and the CMake package for out-of-tree plugins

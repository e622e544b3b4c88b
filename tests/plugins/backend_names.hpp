#pragma once
// Names the instances of a typed conformance suite after their backends ("Suite/redis"), from
// each backend type's kName.

#include <string>

namespace parley::test {

struct BackendNames {
    template <typename Backend>
    static std::string GetName(int /*index*/) {
        return Backend::kName;
    }
};

}  // namespace parley::test

#pragma once
// Kept for core sources not yet including the SDK header directly.
#include <parley/log_failure.hpp>

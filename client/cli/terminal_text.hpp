#pragma once

#include <string>
#include <string_view>

namespace parley::cli {

/// `text` made safe to print on a terminal: other users' bytes must not move the cursor, clear
/// the screen or pass for lines of the program's own. Control characters (C0, DEL, and C1 as
/// UTF-8 encodes them) are shown as escapes (\n, \t, \x1b, \u009b) and backslashes stay as
/// they are, so ordinary text reads unchanged.
std::string terminal_safe(std::string_view text);

}  // namespace parley::cli

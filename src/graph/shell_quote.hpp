#pragma once
// Single-quoting for the POSIX shell scripts of the steps pipecc inserts.

#include <string>
#include <string_view>

namespace pipecc::graph {

// `s` as one shell word: inside '…', with each ' written as '\''.
inline std::string shell_quote(std::string_view s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    return out + "'";
}

}  // namespace pipecc::graph

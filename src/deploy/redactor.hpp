#pragma once
/// Keeps secrets (tokens) out of everything `pipecc deploy` prints: output, logs and errors.

#include <string>
#include <string_view>
#include <vector>

namespace pipecc::deploy {

/// Replaces every occurrence of the registered secrets with `***`.
///
/// @code
/// Redactor r;
/// r.add(token);
/// std::cerr << r.apply(error.what());  // the token, if the server echoed it, shows as ***
/// @endcode
class Redactor {
public:
    /// Registers a secret. Empty strings are ignored: they would match everywhere.
    void add(std::string secret);
    /// `text` with every registered secret replaced by `***`.
    std::string apply(std::string_view text) const;

private:
    std::vector<std::string> secrets_;
};

}  // namespace pipecc::deploy

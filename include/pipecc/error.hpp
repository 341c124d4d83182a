#pragma once
/// pipecc's two kinds of failure: a user's mistake (`Error`) and a bug in pipecc (`InternalError`).

#include <stdexcept>
#include <string>

namespace pipecc {

/// Where a user error happened: a pipeline/task/input path in the DSL, or file:line:column in
/// an input file. Empty parts are left out of the message.
///
/// @code
/// throw Error("input is not bound", Where{.pipeline = "daily", .task = "predict", .input = "date"});
/// @endcode
struct Where {
    std::string pipeline{};
    std::string task{};
    std::string input{};
    std::string file{};
    int line = 0;    ///< 1-based; 0 when unknown
    int column = 0;  ///< 1-based; 0 when unknown

    /// "pipeline 'p', task 't', input 'i'" or "file.yaml:3:7"; empty when nothing is known.
    std::string describe() const;
};

/// A mistake in the user's pipeline or input files. `what()` is the full message with its place.
///
/// @code
/// try { compile(p, {.engine = Engine::vertex()}); } catch (const pipecc::Error& e) { std::cerr << e.what(); }
/// @endcode
class Error : public std::runtime_error {
public:
    Error(const std::string& message, Where where = {});
    /// The message without the place.
    const std::string& message() const { return message_; }
    const Where& where() const { return where_; }

private:
    std::string message_{};
    Where where_;
};

/// A broken invariant inside pipecc itself: always a pipecc bug, never the user's fault.
class InternalError : public std::logic_error {
public:
    explicit InternalError(const std::string& message)
        : std::logic_error("pipecc internal error: " + message) {}
};

}  // namespace pipecc

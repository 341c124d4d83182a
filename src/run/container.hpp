#pragma once
/// One container execution of a KFP task as the driver and launcher prepare it: output folders,
/// placeholders, the executor input, env from the task and from kfp-kubernetes secrets, and the
/// `podman run` / `docker run` command line (or the bare command for `--runtime host`).

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "run/kfp_graph.hpp"
#include "run/process.hpp"
#include "run/run.hpp"

namespace pipecc::run {

/// What to start for one attempt.
struct Execution {
    std::string image;                  ///< after --image mapping
    std::vector<std::string> command;   ///< the task's resolved command and args
    std::vector<std::string> argv;      ///< what is started: the runtime's command line
    std::vector<std::string> env;       ///< NAME=VALUE for the child (secrets only here, not in argv)
    std::vector<std::string> shown_env; ///< for records and dry runs, secrets masked
    Values outputs;                     ///< planned output artifacts
    std::string output_file;            ///< host path of the executor output file
    std::string container;              ///< the container's name (empty on the host)
    int timeout_seconds = 0;            ///< kfp-kubernetes activeDeadlineSeconds; 0 for none
};

/// "podman" or "docker" (the first on PATH for "auto"), or "host". Throws pipecc::Error when
/// the runtime asked for is not installed.
///
/// @code
/// choose_runtime("auto")  // "podman" where podman is installed
/// @endcode
std::string choose_runtime(const std::string& asked);

/// Prepares `node`'s next attempt. Throws pipecc::Error (a missing secret value, a placeholder
/// left unresolved) naming what is wrong.
///
/// @code
/// const Execution ex = prepare_execution(node, container, kubernetes_executor, info, options, "podman");
/// @endcode
Execution prepare_execution(const Node& node, const nlohmann::json& container, const nlohmann::json& kubernetes,
                            const RunInfo& info, const RunOptions& options, const std::string& runtime);

/// The outputs a dry run pretends a task produced: each parameter as "<task-path:name>", each
/// artifact at its planned URI.
///
/// @code
/// dry_run_outputs(node, ex).params["side"] == "<flip-coin:side>"
/// @endcode
Values dry_run_outputs(const Node& node, const Execution& ex);

/// The executor output file (`outputs.outputFile`), or an empty object when the task wrote none.
/// Throws pipecc::Error when it is not JSON.
///
/// @code
/// read_executor_output(dir + "/output_metadata.json").value("parameterValues", json::object())
/// @endcode
nlohmann::json read_executor_output(const std::string& path);

/// Reads a whole file; false when it cannot be read.
bool read_file(const std::string& path, std::string& text);

/// Words joined for a terminal, each quoted for sh where it needs it (bash's $'...' for a word
/// with a line break).
///
/// @code
/// shell_words({"echo", "a b"}) == "echo 'a b'"
/// @endcode
std::string shell_words(const std::vector<std::string>& words);

}  // namespace pipecc::run

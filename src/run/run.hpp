#pragma once
/// `pipecc run`: executes a compiled KFP v2 IR file on this machine, task by task in real
/// containers (podman or docker) or on the host, with the engine's rules for inputs,
/// placeholders, conditions, loops, exit handlers and retries.

#include <iosfwd>
#include <map>
#include <string>

namespace pipecc::run {

/// What `pipecc run` was asked to do.
struct RunOptions {
    std::string file;
    std::string runtime = "auto";                 ///< podman, docker, host, or auto (podman, else docker)
    std::map<std::string, std::string> images{};  ///< --image FROM=TO
    std::map<std::string, std::string> secrets{}; ///< --secret NAME/KEY=VALUE
    std::map<std::string, std::string> params{};  ///< --param NAME=VALUE
    std::map<std::string, std::string> artifacts{};  ///< --artifact NAME=URI: pipeline input artifacts
    std::string network = "none";
    std::string pull = "missing";  ///< the runtime's --pull policy: missing, never or always
    std::string root{};          ///< the local pipeline root; default ./pipecc-runs/<run name>
    std::string created_at{};    ///< RFC 3339; default now
    std::string scheduled_at{};  ///< RFC 3339; default the creation time
    std::string run_name{};      ///< default the pipeline's name and the creation time
    std::string record{};        ///< where to write the JSON record, if anywhere
    std::string cache_dir{};     ///< the task cache; default ./pipecc-runs/.cache
    bool cache = true;           ///< false: every task runs (KFP's enable_caching=False)
    int max_parallel = 4;
    bool dry_run = false;
    bool live = false;  ///< a status line rewritten in place under the event lines (a terminal)
};

/// Runs the pipeline. Progress lines and the summary go to `out`, problems to `err`. Returns 0
/// when the run succeeded and 1 when it failed; throws pipecc::Error for a file that is not a
/// runnable pipeline or options that do not fit it (the CLI exits 2 for those).
///
/// @code
/// RunOptions o; o.file = "out/hello.kfp.yaml"; o.runtime = "host";
/// const int rc = run_pipeline(o, std::cout, std::cerr);
/// @endcode
int run_pipeline(const RunOptions& options, std::ostream& out, std::ostream& err);

}  // namespace pipecc::run

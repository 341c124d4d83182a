#pragma once
/// `--wait`: polls a run until it ends, with a live status line.

#include <functional>
#include <iosfwd>
#include <string>

namespace pipecc::deploy {

/// What one poll of a run found.
///
/// @code
/// RunStatus s = kfp_run_status(run_json);
/// if (s.finished && !s.succeeded) std::cerr << s.state << ": " << s.error;
/// @endcode
struct RunStatus {
    std::string state;      ///< the engine's word, e.g. RUNNING or PIPELINE_STATE_RUNNING
    bool finished = false;
    bool succeeded = false;
    int tasks_done = 0;     ///< tasks in a final state, where the API lists tasks
    int tasks_seen = 0;
    std::string error{};    ///< the run's error message, if any
};

/// How to poll.
///
/// @code
/// WaitOptions o{.poll_seconds = 2, .timeout_seconds = 3600, .live = ::isatty(2) == 1};
/// @endcode
struct WaitOptions {
    double poll_seconds = 5;
    double timeout_seconds = 0;  ///< 0: no limit
    bool live = false;           ///< rewrite one line (a terminal) instead of a line per change
};

/// Calls `poll` until the run has finished and returns its last status; writes
/// "run <id>: <state>, <elapsed>[, <done>/<seen> tasks done]" to `out` on each change. Throws
/// pipecc::Error when the timeout passes first.
///
/// @code
/// const auto s = wait_for_run("r-1", [&] { return client.run_status("r-1"); }, {.poll_seconds = 2}, std::cerr);
/// if (!s.succeeded) throw Error("run failed: " + s.error);
/// @endcode
RunStatus wait_for_run(const std::string& run_id, const std::function<RunStatus()>& poll, const WaitOptions& options,
                       std::ostream& out);

/// Elapsed time for the status line.
///
/// @code
/// format_elapsed(3723) == "1h02m03s"
/// @endcode
std::string format_elapsed(double seconds);

}  // namespace pipecc::deploy

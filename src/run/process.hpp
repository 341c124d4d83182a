#pragma once
/// Child processes for `pipecc run`: one per task attempt, started with posix_spawn (the argv as
/// it is, no shell), stdout and stderr into a log file, reaped by one signal-driven loop.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <signal.h>
#include <sys/types.h>

namespace pipecc::run {

/// A started process.
struct Child {
    pid_t pid = -1;
    std::string log_path;
};

/// Starts `argv` with its output appended to `log_path` and `env` (NAME=VALUE) added to this
/// process's environment. Throws pipecc::Error when the program cannot be started.
///
/// @code
/// const Child c = spawn_logged({"podman", "run", "--rm", "busybox", "true"}, {}, "/tmp/t.log");
/// @endcode
Child spawn_logged(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                   const std::string& log_path);

/// What `wait_any` saw.
struct Event {
    enum Kind { exited, interrupted, timeout } kind = timeout;
    pid_t pid = -1;
    int exit_code = 0;  ///< the exit status, or 128 + signal
};

/// Blocks SIGCHLD, SIGINT and SIGTERM for the calling thread, so that `wait_any` receives them;
/// the destructor restores the mask.
class SignalScope {
public:
    SignalScope();
    ~SignalScope();
    SignalScope(const SignalScope&) = delete;
    SignalScope& operator=(const SignalScope&) = delete;

private:
    sigset_t old_{};
};

/// Waits up to `limit` for a child to end or an interrupt (Ctrl-C, SIGTERM).
///
/// @code
/// SignalScope signals; const Event e = wait_any(std::chrono::milliseconds(100));
/// @endcode
Event wait_any(std::chrono::milliseconds limit);

/// Sends SIGTERM to a running child (`podman run` passes it to the container).
void terminate(pid_t pid);

/// Waits for one child to end and reaps it; its exit code, or 128 + signal.
int wait_for(pid_t pid);

/// The last `lines` lines of a file, for an error message.
std::string tail_of(const std::string& path, int lines);

/// Whether `name` is an executable on $PATH.
bool on_path(const std::string& name);

}  // namespace pipecc::run

#include "deploy/run_wait.hpp"

#include <chrono>
#include <cstdio>
#include <ostream>
#include <thread>

#include "pipecc/error.hpp"

namespace pipecc::deploy {

std::string format_elapsed(double seconds) {
    const long s = static_cast<long>(seconds);
    char buf[32];
    if (s >= 3600) {
        std::snprintf(buf, sizeof buf, "%ldh%02ldm%02lds", s / 3600, s / 60 % 60, s % 60);
    } else if (s >= 60) {
        std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
    } else {
        std::snprintf(buf, sizeof buf, "%lds", s);
    }
    return buf;
}

RunStatus wait_for_run(const std::string& run_id, const std::function<RunStatus()>& poll, const WaitOptions& options,
                       std::ostream& out) {
    const auto start = std::chrono::steady_clock::now();
    std::string last_key;
    for (;;) {
        const RunStatus s = poll();
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const std::string tasks =
            s.tasks_seen > 0 ? ", " + std::to_string(s.tasks_done) + "/" + std::to_string(s.tasks_seen) + " tasks done" : "";
        const std::string line = "run " + run_id + ": " + s.state + ", " + format_elapsed(elapsed) + tasks;
        if (options.live) {
            out << "\r\033[K" << line << (s.finished ? "\n" : "") << std::flush;
        } else if (s.state + tasks != last_key) {
            // Without a terminal, one line per change of state or task count, not one per poll.
            out << line << std::endl;
        }
        last_key = s.state + tasks;
        if (s.finished) return s;
        if (options.timeout_seconds > 0 && elapsed >= options.timeout_seconds) {
            throw Error("run " + run_id + " has not finished after " + format_elapsed(elapsed) + " (still " + s.state + ")");
        }
        std::this_thread::sleep_for(std::chrono::duration<double>(options.poll_seconds));
    }
}

}  // namespace pipecc::deploy

#include "run/process.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <fstream>
#include <map>
#include <sstream>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pipecc/error.hpp"

extern char** environ;

namespace pipecc::run {
namespace {

sigset_t run_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return set;
}

}  // namespace

SignalScope::SignalScope() {
    const sigset_t set = run_signals();
    pthread_sigmask(SIG_BLOCK, &set, &old_);
}

SignalScope::~SignalScope() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }

Child spawn_logged(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                   const std::string& log_path) {
    const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) throw Error("cannot write the log " + log_path + ": " + std::strerror(errno));
    // The environment: ours, with `env` replacing variables of the same name.
    std::map<std::string, std::string> merged;
    for (char** e = environ; *e; ++e) {
        const std::string entry = *e;
        merged[entry.substr(0, entry.find('='))] = entry;
    }
    for (const auto& entry : env) merged[entry.substr(0, entry.find('='))] = entry;
    std::vector<char*> envp;
    for (auto& [name, entry] : merged) envp.push_back(entry.data());
    envp.push_back(nullptr);
    std::vector<std::string> args = argv;
    std::vector<char*> cargv;
    for (auto& a : args) cargv.push_back(a.data());
    cargv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, fd, 1);
    posix_spawn_file_actions_adddup2(&actions, fd, 2);
    // The child starts with no signal blocked: the run's own mask is for this process only.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
    pid_t pid = -1;
    const int rc = posix_spawnp(&pid, cargv[0], &actions, &attr, cargv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(fd);
    if (rc != 0) throw Error("cannot start " + argv[0] + ": " + std::strerror(rc));
    return Child{pid, log_path};
}

Event wait_any(std::chrono::milliseconds limit) {
    for (;;) {
        int status = 0;
        const pid_t pid = ::waitpid(-1, &status, WNOHANG);
        if (pid > 0) {
            Event e{Event::exited, pid, 0};
            e.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            return e;
        }
        const sigset_t set = run_signals();
        timespec ts{static_cast<time_t>(limit.count() / 1000), static_cast<long>(limit.count() % 1000) * 1000000L};
        siginfo_t info;
        const int sig = sigtimedwait(&set, &info, &ts);
        if (sig == SIGINT || sig == SIGTERM) return Event{Event::interrupted};
        if (sig < 0 && errno == EAGAIN) return Event{Event::timeout};
        // SIGCHLD (or EINTR): reap on the next turn.
    }
}

void terminate(pid_t pid) { ::kill(pid, SIGTERM); }

int wait_for(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string tail_of(const std::string& path, int lines) {
    std::ifstream in(path);
    std::deque<std::string> last;
    for (std::string line; std::getline(in, line);) {
        last.push_back(line);
        if (int(last.size()) > lines) last.pop_front();
    }
    std::string out;
    for (const auto& l : last) out += "    | " + l + "\n";
    return out;
}

bool on_path(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "/usr/bin:/bin");
    for (std::string dir; std::getline(dirs, dir, ':');)
        if (!dir.empty() && ::access((dir + "/" + name).c_str(), X_OK) == 0) return true;
    return false;
}

}  // namespace pipecc::run

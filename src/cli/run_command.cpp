#include <iostream>
#include <memory>

#include <unistd.h>

#include "commands.hpp"
#include "pipecc/error.hpp"
#include "run/run.hpp"

namespace pipecc::cli {
namespace {

// NAME=VALUE flags into a map; a flag without '=' is a usage error (exit 2).
std::map<std::string, std::string> pairs(const std::vector<std::string>& flags, const std::string& option) {
    std::map<std::string, std::string> out;
    for (const auto& f : flags) {
        const auto eq = f.find('=');
        if (eq == std::string::npos || eq == 0) throw CLI::ValidationError(option, "'" + f + "' is not NAME=VALUE");
        out[f.substr(0, eq)] = f.substr(eq + 1);
    }
    return out;
}

struct RunFlags {
    run::RunOptions options;
    std::vector<std::string> images, secrets, params, artifacts;
};

}  // namespace

void add_run_command(CLI::App& app, ExitCode& exit) {
    auto f = std::make_shared<RunFlags>();
    run::RunOptions& o = f->options;
    CLI::App* cmd = app.add_subcommand(
        "run", "Run a compiled KFP v2 pipeline on this machine, each task in a container (podman or docker)");
    cmd->add_option("file", o.file, "KFP v2 IR (YAML or JSON), from pipecc or the kfp SDK")->required();
    cmd->add_option("--runtime", o.runtime, "podman, docker, host (the commands run here), or auto (default)")
        ->check(CLI::IsMember({"auto", "podman", "docker", "host"}));
    cmd->add_option("--image", f->images, "FROM=TO: run image TO where the file says FROM (repeatable)");
    cmd->add_option("--secret", f->secrets, "NAME/KEY=VALUE: a Kubernetes secret's (or config map's) key (repeatable)");
    cmd->add_option("--param", f->params, "NAME=VALUE: a pipeline input (repeatable)");
    cmd->add_option("--artifact", f->artifacts, "NAME=URI: a pipeline input artifact (repeatable)");
    cmd->add_option("--network", o.network, "the containers' network (default none)");
    cmd->add_option("--pull", o.pull, "when the runtime pulls an image: missing (default), never, always")
        ->check(CLI::IsMember({"missing", "never", "always"}));
    cmd->add_option("--root", o.root, "the local pipeline root (default ./pipecc-runs/<run name>)");
    cmd->add_option("--created-at", o.created_at, "the run's creation time, RFC 3339 (default now)");
    cmd->add_option("--scheduled-at", o.scheduled_at, "the run's schedule time, RFC 3339 (default the creation time)");
    cmd->add_option("--run-name", o.run_name, "the run's name (default <pipeline>-<creation time>)");
    cmd->add_option("--record", o.record, "write a JSON record of the run to this file");
    cmd->add_option("--cache-dir", o.cache_dir, "the task cache (default ./pipecc-runs/.cache)");
    cmd->add_flag("!--no-cache", o.cache, "run every task, whatever earlier runs left in the cache");
    cmd->add_option("--max-parallel", o.max_parallel, "tasks at once (default 4)")->check(CLI::PositiveNumber);
    cmd->add_flag("--dry-run", o.dry_run, "print each task's resolved image, command and env; start nothing");
    cmd->callback([f, &exit] {
        f->options.images = pairs(f->images, "--image");
        f->options.secrets = pairs(f->secrets, "--secret");
        f->options.params = pairs(f->params, "--param");
        f->options.artifacts = pairs(f->artifacts, "--artifact");
        f->options.live = ::isatty(STDOUT_FILENO) != 0;
        try {
            exit.value = run::run_pipeline(f->options, std::cout, std::cerr);
        } catch (const Error& e) {
            std::cerr << "pipecc run: error: " << e.what() << '\n';
            exit.value = 2;
        } catch (const std::exception& e) {
            std::cerr << "pipecc run: " << e.what() << '\n';
            exit.value = 2;
        }
    });
}

}  // namespace pipecc::cli

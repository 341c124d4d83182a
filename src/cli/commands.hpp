#pragma once
/// The `pipecc` tool's subcommands: each file under src/cli/ adds one to the app.

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

namespace pipecc::cli {

/// The process exit code a subcommand sets when it runs: 0 ok, 1 a problem in the input,
/// 2 a bad command line or an unreadable file.
struct ExitCode {
    int value = 0;
};

/// Reads the file `input`, turns it into text with `make`, and writes that to `output` (`-`:
/// stdout; else atomically, so on any error an existing file is left untouched). Errors go to
/// stderr as "PLACE: error: message": exit code 2 for a file that cannot be read or written, 1
/// when `make` throws a pipecc::Error (the input is not what the command takes).
///
/// @code
/// transform_file(o.input, o.output, exit, [&] { return export_component(load_component(o.input)); });
/// @endcode
void transform_file(const std::string& input, const std::string& output, ExitCode& exit,
                    const std::function<std::string()>& make);

/// `pipecc component convert|export`: reads and writes component files.
void add_component_command(CLI::App& app, ExitCode& exit);

/// `pipecc graph FILE`: draws a compiled pipeline as DOT, Mermaid or SVG.
void add_graph_command(CLI::App& app, ExitCode& exit);

/// `pipecc deploy kfp|vertex`: deploys a compiled pipeline; exit 1 when the deploy fails.
void add_deploy_command(CLI::App& app, ExitCode& exit);

/// `pipecc lint FILE...`: the lints on compiled files; exit 0 none found, 1 some found, 2 a file
/// it cannot read or a bad command line.
void add_lint_command(CLI::App& app, ExitCode& exit);

/// `pipecc run FILE`: runs a compiled KFP pipeline locally; exit 0 succeeded, 1 failed, 2 bad
/// usage or a file it cannot run.
void add_run_command(CLI::App& app, ExitCode& exit);

/// `pipecc validate FILE...`: checks IR and Argo files; exit 0 all valid, 1 some file invalid,
/// 2 some file unreadable, not YAML or of no known kind.
void add_validate_command(CLI::App& app, ExitCode& exit);

}  // namespace pipecc::cli

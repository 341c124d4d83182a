#pragma once
/// The `pipecc` tool's subcommands: each file under src/cli/ adds one to the app.

#include <CLI/CLI.hpp>

namespace pipecc::cli {

/// The process exit code a subcommand sets when it runs: 0 ok, 1 a problem in the input,
/// 2 a bad command line or an unreadable file.
struct ExitCode {
    int value = 0;
};

/// `pipecc component convert|export`: reads and writes component files.
void add_component_command(CLI::App& app, ExitCode& exit);

/// `pipecc graph FILE`: draws a compiled pipeline as DOT, Mermaid or SVG.
void add_graph_command(CLI::App& app, ExitCode& exit);

/// `pipecc deploy kfp|vertex`: deploys a compiled pipeline; exit 1 when the deploy fails.
void add_deploy_command(CLI::App& app, ExitCode& exit);

}  // namespace pipecc::cli

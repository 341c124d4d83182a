// The `pipecc` command-line tool. Pipeline programs compile themselves (PIPECC_MAIN); this tool
// works on files: component YAML, and pictures, deploys and validation of compiled pipelines.
#include <iostream>

#include "commands.hpp"
#include "pipecc/compile.hpp"
#include "pipecc/error.hpp"

int main(int argc, char** argv) {
    CLI::App app("pipecc: typed ML pipelines for Kubeflow Pipelines, Vertex AI and Argo Workflows");
    app.set_version_flag("--version", "pipecc " + std::string(pipecc::version()));
    app.require_subcommand(1);
    pipecc::cli::ExitCode exit;
    pipecc::cli::add_component_command(app, exit);
    pipecc::cli::add_graph_command(app, exit);
    pipecc::cli::add_deploy_command(app, exit);
    pipecc::cli::add_validate_command(app, exit);
    pipecc::cli::add_run_command(app, exit);
    pipecc::cli::add_lint_command(app, exit);
    app.add_subcommand("engines", "List the engines pipecc compiles for and what each supports (Markdown)")
        ->callback([] { std::cout << pipecc::engine_table_markdown(); });
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    } catch (const pipecc::Error& e) {
        std::cerr << "error: " << e.what() << '\n';
        return exit.value != 0 ? exit.value : 1;
    }
    return exit.value;
}

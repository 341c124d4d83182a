#include "commands.hpp"

namespace pipecc::cli {

void add_component_command(CLI::App& app, ExitCode&) {
    app.add_subcommand("component", "Read, convert and export component files")->require_subcommand(1);
}

}  // namespace pipecc::cli

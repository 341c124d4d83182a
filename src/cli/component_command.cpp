#include <memory>

#include "commands.hpp"
#include "pipecc/dsl/export_component.hpp"
#include "pipecc/dsl/load_component.hpp"

namespace pipecc::cli {
namespace {

struct ConvertOptions {
    std::string input;
    std::string output = "-";
    std::string to = "kfp";
};

// Reads `in` (KFP v1 or v2 component YAML) and writes it as KFP v2 component YAML to `out`.
void convert(const ConvertOptions& o, ExitCode& exit) {
    transform_file(o.input, o.output, exit, [&] { return export_component(load_component(o.input)); });
}

CLI::App* add_convert(CLI::App& parent, const char* name, const char* help, bool with_to, ExitCode& exit) {
    auto options = std::make_shared<ConvertOptions>();
    CLI::App* cmd = parent.add_subcommand(name, help);
    cmd->add_option("input", options->input, "a component file: KFP v1 component.yaml or KFP v2 component YAML")
        ->required();
    cmd->add_option("-o,--output", options->output,
                    "the output file; '-' or none for stdout. Written to a temporary file and renamed, so on any "
                    "error an existing file is left untouched");
    if (with_to) {
        cmd->add_option("--to", options->to, "the output format: kfp (KFP v2 component YAML, the default)")
            ->check(CLI::IsMember({"kfp"}));
    }
    cmd->callback([options, &exit] { convert(*options, exit); });
    return cmd;
}

}  // namespace

void add_component_command(CLI::App& app, ExitCode& exit) {
    CLI::App* component = app.add_subcommand("component", "Read, convert and export component files");
    component->require_subcommand(1);
    add_convert(*component, "convert", "Convert a KFP v1 or v2 component file to KFP v2 component YAML (--to kfp)",
                true, exit);
    add_convert(*component, "export",
                "Write any component file as KFP v2 component YAML, the form the kfp SDK's "
                "load_component_from_file reads (pipeline programs call pipecc::export_component)",
                false, exit);
}

}  // namespace pipecc::cli

#include <memory>

#include "commands.hpp"
#include "picture/picture.hpp"

namespace pipecc::cli {
namespace {

struct GraphOptions {
    std::string input;
    std::string format = "dot";
    std::string output = "-";
};

// Exit codes as `pipecc component`: 1 for a file that is not a pipeline (or no Graphviz for SVG),
// 2 for a file that cannot be read or written.
void draw(const GraphOptions& o, ExitCode& exit) {
    transform_file(o.input, o.output, exit, [&] {
        const auto p = picture::picture_from_file(o.input);
        return o.format == "mermaid" ? picture::to_mermaid(p)
               : o.format == "svg"   ? picture::dot_to_svg(picture::to_dot(p))
                                     : picture::to_dot(p);
    });
}

}  // namespace

void add_graph_command(CLI::App& app, ExitCode& exit) {
    auto o = std::make_shared<GraphOptions>();
    CLI::App* cmd = app.add_subcommand(
        "graph", "Draw a compiled pipeline's DAG (KFP v2 IR or Argo YAML): one node per task, groups as clusters");
    cmd->add_option("file", o->input, "a compiled pipeline: KFP v2 IR (YAML or JSON) or an Argo workflow")->required();
    cmd->add_option("--format", o->format, "dot (default), mermaid, or svg (needs Graphviz's dot)")
        ->check(CLI::IsMember({"dot", "mermaid", "svg"}));
    cmd->add_option("-o,--output", o->output, "the output file; '-' or none for stdout");
    cmd->callback([o, &exit] { draw(*o, exit); });
}

}  // namespace pipecc::cli

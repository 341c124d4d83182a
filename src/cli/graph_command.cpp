#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "picture/picture.hpp"
#include "pipecc/compile.hpp"
#include "pipecc/error.hpp"

namespace pipecc::cli {
namespace {

struct GraphOptions {
    std::string input;
    std::string format = "dot";
    std::string output = "-";
};

void report(const Error& e) {
    const std::string place = e.where().describe();
    std::cerr << (place.empty() ? std::string() : place + ": ") << "error: " << e.message() << '\n';
}

// Exit codes as `pipecc component`: 1 for a file that is not a pipeline (or no Graphviz for SVG),
// 2 for a file that cannot be read or written.
void draw(const GraphOptions& o, ExitCode& exit) {
    std::error_code ec;
    if (std::filesystem::is_directory(o.input, ec) || !std::ifstream(o.input, std::ios::binary)) {
        std::cerr << o.input << ": error: cannot read the file\n";
        exit.value = 2;
        return;
    }
    std::string text;
    try {
        const auto p = picture::picture_from_file(o.input);
        text = o.format == "mermaid" ? picture::to_mermaid(p)
               : o.format == "svg"   ? picture::dot_to_svg(picture::to_dot(p))
                                     : picture::to_dot(p);
    } catch (const Error& e) {
        report(e);
        exit.value = 1;
        return;
    }
    if (o.output == "-") {
        std::cout << text;
        return;
    }
    try {
        write_file_atomic(o.output, text);
    } catch (const Error& e) {
        report(e);
        exit.value = 2;
    }
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

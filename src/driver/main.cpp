#include "pipecc/main.hpp"

#include <iostream>
#include <map>

#include <CLI/CLI.hpp>

#include "pipecc/compile.hpp"
#include "pipecc/error.hpp"
#include "pipecc/graph/passes.hpp"
#include "picture/picture.hpp"

namespace pipecc {

int run_main(int argc, char** argv, const std::function<Pipeline()>& factory) {
    CLI::App app("Compiles this pipeline for Kubeflow Pipelines (v2 IR) or Argo Workflows.");
    app.set_version_flag("--version", "pipecc " + std::string(version()));
    Target target = Target::Kfp;
    Format format = Format::Yaml;
    std::string output = "-";
    bool dump = false;
    std::string argo_version = "3.5";
    app.add_option("--target", target, "Engine to compile for: kfp (KFP v2, Vertex AI) or argo (Argo, KFP v1)")
        ->transform(CLI::CheckedTransformer(std::map<std::string, Target>{{"kfp", Target::Kfp}, {"argo", Target::Argo}}))
        ->default_str("kfp");
    app.add_option("--format", format, "Output syntax")
        ->transform(CLI::CheckedTransformer(std::map<std::string, Format>{{"yaml", Format::Yaml}, {"json", Format::Json}}))
        ->default_str("yaml");
    app.add_option("-o,--output", output, "Output file; '-' for stdout")->default_str("-");
    app.add_option("--argo-version", argo_version,
                   "Argo target: the oldest Argo version to run on (e.g. 3.1 inside KFP 1.8); chooses how "
                   "run-time values and schedules are written")
        ->check([](const std::string& v) { return argo::parse_version(v) ? "" : "not a version like 3.5: " + v; })
        ->default_str("3.5");
    app.add_flag("--dump", dump, "Print the checked pipeline graph instead of compiling it");
    std::string graph_format;
    app.add_option("--graph", graph_format,
                   "Draw the pipeline as compiled for --target instead of writing it: dot, mermaid, or svg (needs "
                   "Graphviz's dot)")
        ->check(CLI::IsMember({"dot", "mermaid", "svg"}));
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }

    try {
        const Pipeline pipeline = factory();
        const graph::Graph g = check(pipeline);
        if (dump) {
            graph::dump(g, std::cout);
            return 0;
        }
        std::string text = compile_checked(
            g, {.target = target, .format = format, .argo_version = *argo::parse_version(argo_version)});
        if (!graph_format.empty()) {
            // Drawn from the compiled output, so the picture shows what the engine will run.
            const auto p = picture::picture_from_text(g.name, text);
            text = graph_format == "mermaid" ? picture::to_mermaid(p)
                   : graph_format == "svg"   ? picture::dot_to_svg(picture::to_dot(p))
                                             : picture::to_dot(p);
        }
        // Argo keeps a workflow in one etcd object (about 1.5 MB at most, status included).
        constexpr std::size_t kArgoWarnBytes = 1'000'000;
        if (target == Target::Argo && graph_format.empty() && text.size() > kArgoWarnBytes) {
            std::cerr << "warning: the Argo workflow is " << text.size() / 1000
                      << " kB; Argo stores it in one etcd object (about 1.5 MB with its status). Shrink it by "
                         "giving repeated tasks identical settings (they then share one template), moving long "
                         "scripts into images, or splitting the pipeline.\n";
        }
        if (output == "-") {
            std::cout << text << std::flush;
        } else {
            write_file_atomic(output, text);
        }
        return 0;
    } catch (const Error& e) {
        std::cerr << "error: " << e.what() << '\n';
        return 1;
    }
}

}  // namespace pipecc

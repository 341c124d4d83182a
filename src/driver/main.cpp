#include "pipecc/main.hpp"

#include <iostream>
#include <optional>

#include <CLI/CLI.hpp>

#include "pipecc/compile.hpp"
#include "pipecc/error.hpp"
#include "pipecc/graph/passes.hpp"
#include "pipecc/lint.hpp"
#include "picture/picture.hpp"

namespace pipecc {

int run_main(int argc, char** argv, FunctionRef<Pipeline()> factory) {
    CLI::App app("Compiles this pipeline for the engine that will run it: Argo Workflows, Kubeflow Pipelines "
                 "(v1: Argo; v2: KFP IR) or Vertex AI Pipelines.");
    app.set_version_flag("--version", "pipecc " + std::string(version()));
    std::string engine_name;
    std::string target;
    std::string argo_version;
    std::string format_name = "yaml";
    std::string output = "-";
    bool dump = false;
    app.add_option("--engine", engine_name,
                   "The engine that runs the output, NAME[@VERSION]: " + engine_names() +
                       " (default kfp@2.17; argo alone is argo@4.1)")
        ->type_name("NAME[@VERSION]")
        ->check([](const std::string& v) {
            return parse_engine(v) ? std::string() : "no engine " + v + "; pipecc knows " + engine_names();
        });
    app.add_option("--target", target, "Shorthand: kfp (--engine kfp@2.17) or argo (--engine argo@4.1)")
        ->type_name("kfp|argo")
        ->check(CLI::IsMember({"kfp", "argo"}));
    app.add_option("--argo-version", argo_version, "Shorthand for --engine argo@X.Y (3.6, 3.7, 4.0 or 4.1)")
        ->type_name("X.Y")
        ->check([](const std::string& v) {
            const auto e = parse_engine("argo@" + v);
            return e ? std::string()
                     : "Argo " + v + " is not supported: pipecc writes for argo@3.6 to argo@4.1 (for KFP 1.8's "
                                     "Argo, --engine kfp@1.8)";
        });
    app.add_option("--format", format_name, "Output syntax")->type_name("yaml|json")->check(CLI::IsMember({"yaml", "json"}));
    app.add_option("-o,--output", output, "Output file; '-' for stdout")->default_str("-");
    app.add_flag("--dump", dump, "Print the checked pipeline graph instead of compiling it");
    bool strict = false;
    std::vector<std::string> disabled;
    app.add_flag("--strict", strict, "Make lint warnings errors: nothing is written while any is left");
    std::vector<std::string> lint_ids;
    for (const auto& r : lint_rules()) lint_ids.emplace_back(r.id);
    app.add_option("--disable", disabled, "Turn off a lint by its id (repeatable); `pipecc lint --list` lists them")
        ->check(CLI::IsMember(lint_ids));
    std::string graph_format;
    app.add_option("--graph", graph_format,
                   "Draw the pipeline as compiled for the engine instead of writing it (svg needs Graphviz's dot)")
        ->type_name("dot|mermaid|svg")
        ->check(CLI::IsMember({"dot", "mermaid", "svg"}));
    Engine engine = Engine::kfp();
    try {
        app.parse(argc, argv);
        const std::optional<Engine> shorthand =
            !argo_version.empty() ? parse_engine("argo@" + argo_version)
            : target == "argo"    ? std::optional<Engine>(Engine::argo())
            : target == "kfp"     ? std::optional<Engine>(Engine::kfp())
                                  : std::nullopt;
        if (!argo_version.empty() && target == "kfp") {
            throw CLI::ValidationError("--argo-version", "--argo-version names an Argo engine, not --target kfp");
        }
        if (!engine_name.empty()) {
            engine = *parse_engine(engine_name);
            const bool same_output = !shorthand || profile(*shorthand).output == profile(engine).output;
            if (!same_output || (!argo_version.empty() && *shorthand != engine)) {
                throw CLI::ValidationError("--engine", "--engine " + engine.name() + " contradicts --target/--argo-version");
            }
        } else if (shorthand) {
            engine = *shorthand;
        }
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }
    const Format format = format_name == "json" ? Format::Json : Format::Yaml;
    const bool argo_output = profile(engine).output == OutputKind::ArgoWorkflow;

    try {
        const Pipeline pipeline = factory();
        const graph::Graph g = check(pipeline);
        if (dump) {
            graph::dump(g, std::cout);
            return 0;
        }
        const auto findings = lint(g, disabled);
        for (const auto& f : findings)
            std::cerr << (strict ? "error: [" : "warning: [") << f.id << "] " << f.where.describe() << ": " << f.message
                      << '\n';
        if (strict && !findings.empty()) {
            std::cerr << "error: " << findings.size() << " lint finding(s) with --strict; nothing written "
                      << "(fix them, or --disable ID)\n";
            return 1;
        }
        std::string text = compile_checked(g, {.engine = engine, .format = format});
        if (!graph_format.empty()) {
            // Drawn from the compiled output, so the picture shows what the engine will run.
            const auto p = picture::picture_from_text(g.name, text);
            text = graph_format == "mermaid" ? picture::to_mermaid(p)
                   : graph_format == "svg"   ? picture::dot_to_svg(picture::to_dot(p))
                                             : picture::to_dot(p);
        }
        // Argo keeps a workflow in one etcd object (about 1.5 MB at most, status included).
        constexpr std::size_t kArgoWarnBytes = 1'000'000;
        if (argo_output && graph_format.empty() && text.size() > kArgoWarnBytes) {
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

// `pipecc lint FILE...`: the pipeline programs' lints on compiled files (KFP v2 IR or Argo
// YAML, from pipecc or not), each finding at its file:line.
#include <iostream>
#include <memory>

#include <yaml-cpp/yaml.h>

#include "commands.hpp"
#include "deploy/pipeline_file.hpp"
#include "lint/lint_rules.hpp"
#include "validate/yaml_access.hpp"

namespace pipecc::cli {
namespace {

using lint_detail::LintSubject;
using validate::field;
using validate::text;

struct LintOptions {
    std::vector<std::string> files;
    std::vector<std::string> disabled;
    bool list = false;
};

Where at(const std::string& file, const YAML::Node& n, const std::string& task = {}) {
    return Where{.task = task, .file = file, .line = n.Mark().line + 1, .column = n.Mark().column + 1};
}

// A container's image, its command and args words, and its literal env values.
void add_container(LintSubject& s, const std::string& file, const std::string& task, const YAML::Node& c) {
    if (field(c, "image")) s.images.push_back({text(field(c, "image")), at(file, field(c, "image"), task)});
    std::size_t n = 0;
    for (const char* part : {"command", "args"})
        for (const auto& w : field(c, part)) {
            ++n;
            if (w.IsScalar()) s.literals.push_back({"argument " + std::to_string(n), "", w.Scalar(), at(file, w, task)});
        }
    for (const auto& e : field(c, "env"))
        if (field(e, "value")) s.literals.push_back({"env " + text(field(e, "name")), text(field(e, "name")), text(field(e, "value")), at(file, e, task)});
}

void add_resources(LintSubject& s, const std::string& file, const std::string& task, const YAML::Node& node,
                   const char* kind, const YAML::Node& request, const YAML::Node& limit) {
    if (request && limit) s.resources.push_back({kind, text(request), text(limit), at(file, node, task)});
}

LintSubject from_ir(const std::string& file, const std::vector<YAML::Node>& docs) {
    LintSubject s;
    const YAML::Node& spec = docs[0];
    for (const auto& ex : field(field(spec, "deploymentSpec"), "executors")) {
        const YAML::Node c = field(ex.second, "container");
        if (!c) continue;
        const std::string label = ex.first.as<std::string>();
        add_container(s, file, label, c);
        const YAML::Node r = field(c, "resources");
        add_resources(s, file, label, r, "cpu", field(r, "resourceCpuRequest"), field(r, "resourceCpuLimit"));
        add_resources(s, file, label, r, "memory", field(r, "resourceMemoryRequest"), field(r, "resourceMemoryLimit"));
    }
    // Display names are per DAG in the UI: the root's and each component DAG's tasks.
    const auto add_tasks = [&](const YAML::Node& dag, const std::string& scope) {
        for (const auto& t : field(dag, "tasks")) {
            const std::string name = t.first.as<std::string>();
            const YAML::Node shown = field(field(t.second, "taskInfo"), "name");
            s.tasks.push_back({shown ? text(shown) : name, at(file, t.second, name), scope});
        }
    };
    add_tasks(field(field(spec, "root"), "dag"), "root");
    for (const auto& c : field(spec, "components"))
        if (field(c.second, "dag")) add_tasks(field(c.second, "dag"), c.first.as<std::string>());
    if (const auto schedule = deploy::read_pipeline_file(file).schedule)
        s.crons.push_back({schedule->cron, Where{.file = file, .line = 1}});
    return s;
}

LintSubject from_argo(const std::string& file, const YAML::Node& doc) {
    LintSubject s;
    const YAML::Node spec = field(field(doc, "spec"), "workflowSpec") ? field(field(doc, "spec"), "workflowSpec") : field(doc, "spec");
    for (const auto& t : field(spec, "templates")) {
        const std::string name = text(field(t, "name"));
        if (field(t, "container")) {
            add_container(s, file, name, field(t, "container"));
            const YAML::Node r = field(field(t, "container"), "resources");
            add_resources(s, file, name, r, "cpu", field(field(r, "requests"), "cpu"), field(field(r, "limits"), "cpu"));
            add_resources(s, file, name, r, "memory", field(field(r, "requests"), "memory"), field(field(r, "limits"), "memory"));
        }
        for (const auto& task : field(field(t, "dag"), "tasks"))
            s.tasks.push_back({text(field(task, "name")), at(file, task, text(field(task, "name"))), name});
    }
    if (field(field(doc, "spec"), "schedule")) s.crons.push_back({text(field(field(doc, "spec"), "schedule")), at(file, field(field(doc, "spec"), "schedule"))});
    for (const auto& c : field(field(doc, "spec"), "schedules")) s.crons.push_back({text(c), at(file, c)});
    return s;
}

void lint_files(const LintOptions& o, ExitCode& exit) {
    if (o.list) {
        for (const auto& r : lint_rules()) std::cout << r.id << "  " << r.summary << '\n';
        return;
    }
    if (o.files.empty()) throw CLI::ValidationError("file", "give the files to lint");
    int found = 0;
    for (const auto& file : o.files) {
        std::vector<YAML::Node> docs;
        try {
            docs = YAML::LoadAllFromFile(file);
        } catch (const YAML::Exception& e) {
            std::cerr << file << ": error: " << (e.mark.line >= 0 ? "line " + std::to_string(e.mark.line + 1) + ": " : "")
                      << e.msg << '\n';
            exit.value = 2;
            continue;
        }
        const bool argo = !docs.empty() && text(field(docs[0], "apiVersion")).rfind("argoproj.io/", 0) == 0;
        const bool ir = !docs.empty() && field(docs[0], "pipelineInfo") && field(docs[0], "root");
        if (!argo && !ir) {
            std::cerr << file << ": error: neither KFP v2 IR nor an Argo workflow\n";
            exit.value = 2;
            continue;
        }
        try {
            for (const auto& f : lint_detail::run_lints(argo ? from_argo(file, docs[0]) : from_ir(file, docs), o.disabled)) {
                std::cout << f.where.describe() << ": warning: [" << f.id << "] " << f.message << '\n';
                ++found;
            }
        } catch (const Error& e) {
            std::cerr << "error: " << e.what() << '\n';
            exit.value = 2;
            return;
        }
    }
    if (found > 0 && exit.value == 0) exit.value = 1;
}

}  // namespace

void add_lint_command(CLI::App& app, ExitCode& exit) {
    auto o = std::make_shared<LintOptions>();
    CLI::App* cmd = app.add_subcommand("lint", "Lint compiled pipelines: image pins, secrets in the file, duplicate "
                                               "display names, schedules that never fire, requests above limits");
    cmd->add_option("files", o->files, "KFP v2 IR (YAML or JSON) or Argo workflows");
    cmd->add_option("--disable", o->disabled, "turn off a lint by its id (repeatable)");
    cmd->add_flag("--list", o->list, "list the lints and their ids");
    cmd->callback([o, &exit] { lint_files(*o, exit); });
}

}  // namespace pipecc::cli

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>

#include "commands.hpp"
#include "deploy/auth.hpp"
#include "deploy/http_client.hpp"
#include "deploy/kfp_deploy.hpp"
#include "deploy/kfp_v1_deploy.hpp"
#include "deploy/redactor.hpp"
#include "deploy/vertex_deploy.hpp"
#include "pipecc/error.hpp"
#include "pipecc/graph/engine.hpp"

namespace pipecc::cli {
namespace {

using namespace pipecc::deploy;

// Settings both targets share.
struct CommonOptions {
    std::string pipeline;
    std::string engine;
    std::string name;
    std::vector<std::string> params;
    std::string cron;
    std::string time_zone;
    int max_concurrency = 1;
    bool wait = false;
    HttpOptions http;
    double poll_seconds = 5;
    double wait_timeout_seconds = 0;
};

struct KfpCommand {
    CommonOptions common;
    KfpConnection connection;
    KfpDeployOptions deploy;
    std::string token_file;
    std::string retire = "disable";
};

struct VertexCommand {
    CommonOptions common;
    VertexConnection connection;
    VertexDeployOptions deploy;
    std::vector<std::string> labels;
    bool run = false;
};

std::map<std::string, std::string> key_values(const std::vector<std::string>& items, const std::string& flag) {
    std::map<std::string, std::string> out;
    for (const auto& item : items) {
        const auto eq = item.find('=');
        if (eq == std::string::npos || eq == 0) throw Error(flag + " " + item + ": expected KEY=VALUE");
        out[item.substr(0, eq)] = item.substr(eq + 1);
    }
    return out;
}

void add_common(CLI::App& cmd, CommonOptions& o) {
    cmd.add_option("--pipeline", o.pipeline,
                   "the compiled pipeline: KFP v2 IR, YAML or JSON; with --engine kfp@1.8 an Argo Workflow")
        ->required();
    cmd.add_option("--name", o.name, "the pipeline's name on the server (default: the IR's pipelineInfo.name)");
    cmd.add_option("--param", o.params, "a pipeline parameter, KEY=VALUE (repeatable)");
    cmd.add_option("--cron", o.cron, "a 5-field cron instead of the pipeline's schedule()");
    cmd.add_option("--time-zone", o.time_zone, "the IANA zone of the cron instead of the pipeline's");
    cmd.add_option("--max-concurrency", o.max_concurrency, "how many scheduled runs may run at once (default 1)");
    cmd.add_flag("--wait", o.wait, "poll the run until it ends; exit 0 only if it succeeded");
    cmd.add_option("--poll-interval", o.poll_seconds, "seconds between polls with --wait (default 5)");
    cmd.add_option("--wait-timeout", o.wait_timeout_seconds, "give up waiting after this many seconds (default: never)");
    cmd.add_flag("--dry-run", o.http.dry_run, "print every request, secrets redacted, and send none");
    cmd.add_flag("--insecure", o.http.insecure, "do not verify the server's TLS certificate");
    cmd.add_option("--timeout", o.http.timeout_seconds, "seconds per HTTP request (default 60)");
    cmd.add_option("--retries", o.http.retries, "retries of a 429 or 5xx reply, with backoff (default 4)");
    cmd.add_option("--retry-delay", o.http.retry_delay_seconds, "the first backoff in seconds, doubled each retry (default 1)");
}

// `--engine` of a deploy target: an engine that target deploys to, else a command-line error (exit 2).
CLI::Option* add_engine(CLI::App& cmd, std::string& engine, const std::string& fallback,
                        std::vector<EngineFamily> families) {
    std::string allowed;
    for (const auto& p : engine_profiles()) {
        if (std::find(families.begin(), families.end(), p.engine.family) == families.end()) continue;
        allowed += (allowed.empty() ? "" : ", ") + p.engine.name();
    }
    engine = fallback;
    return cmd.add_option("--engine", engine, "the engine the pipeline was compiled for: " + allowed + " (default " +
                                                  fallback + ")")
        ->type_name("NAME[@VERSION]")
        ->check([families, allowed, target = cmd.get_name()](const std::string& v) {
            const auto e = parse_engine(v);
            if (e && std::find(families.begin(), families.end(), e->family) != families.end()) return std::string();
            return "pipecc deploy " + target + " does not deploy to " + v + "; it takes " + allowed;
        });
}

template <class Deploy, class File>
void apply_common(const CommonOptions& o, const File& file, Deploy& d) {
    d.name = o.name.empty() ? file.name : o.name;
    d.params = key_values(o.params, "--param");
    if (!o.cron.empty()) d.cron = o.cron;
    if (!o.time_zone.empty()) d.time_zone = o.time_zone;
    d.wait = o.wait;
    d.wait_options = {.poll_seconds = o.poll_seconds, .timeout_seconds = o.wait_timeout_seconds,
                      .live = ::isatty(STDERR_FILENO) == 1};
}

// Runs one deploy: exit 2 for an unreadable pipeline file, 1 for anything that failed after, and
// every message through the redactor.
template <class File = PipelineFile, class F>
void run_deploy(const std::string& pipeline_path, ExitCode& exit, Redactor& redactor, F&& deploy,
                File (*read)(const std::string&) = &read_pipeline_file) {
    File file;
    try {
        file = read(pipeline_path);
    } catch (const Error& e) {
        std::cerr << redactor.apply(e.what()) << '\n';
        exit.value = 2;
        return;
    }
    try {
        deploy(file);
    } catch (const Error& e) {
        std::cout << std::flush;
        std::cerr << "error: " << redactor.apply(e.message()) << '\n';
        exit.value = 1;
    }
}

void deploy_kfp_command(KfpCommand& c, ExitCode& exit) {
    Redactor redactor;
    const auto prepare = [&](const auto& file) {
        c.connection.token = kfp_token(c.token_file);
        redactor.add(c.connection.token);
        apply_common(c.common, file, c.deploy);
        c.deploy.max_concurrency = c.common.max_concurrency;
        c.deploy.retire = c.retire == "delete" ? Retire::Delete : Retire::Disable;
        if (c.deploy.wait && !c.deploy.run) throw Error("--wait needs --run");
    };
    // KFP 1.8 takes an Argo Workflow through the v1beta1 API; KFP 2 takes IR through v2beta1.
    if (parse_engine(c.common.engine)->family == EngineFamily::KfpV1) {
        run_deploy<WorkflowFile>(
            c.common.pipeline, exit, redactor,
            [&](const WorkflowFile& file) {
                prepare(file);
                HttpClient http(c.common.http, redactor, std::cerr);
                KfpV1Client kfp(c.connection, http);
                deploy_kfp_v1(file, c.deploy, kfp, std::cout, std::cerr);
            },
            &read_workflow_file);
        return;
    }
    run_deploy(c.common.pipeline, exit, redactor, [&](const PipelineFile& file) {
        prepare(file);
        HttpClient http(c.common.http, redactor, std::cerr);
        KfpClient kfp(c.connection, http);
        deploy_kfp(file, c.deploy, kfp, std::cout, std::cerr);
    });
}

void deploy_vertex_command(VertexCommand& c, ExitCode& exit) {
    Redactor redactor;
    run_deploy(c.common.pipeline, exit, redactor, [&](const PipelineFile& file) {
        check_vertex_file(file);
        // A dry run sends nothing, so it needs no credentials.
        if (!c.common.http.dry_run || std::getenv("GOOGLE_OAUTH_ACCESS_TOKEN")) c.connection.token = google_access_token();
        redactor.add(c.connection.token);
        apply_common(c.common, file, c.deploy);
        c.deploy.max_concurrent_runs = c.common.max_concurrency;
        c.deploy.labels = key_values(c.labels, "--label");
        c.deploy.run = c.run || !c.deploy.schedule;
        if (c.deploy.wait && !c.deploy.run) throw Error("--wait needs a run: add --run to --schedule");
        HttpClient http(c.common.http, redactor, std::cerr);
        VertexClient vertex(c.connection, http);
        deploy_vertex(file, c.deploy, vertex, std::cout, std::cerr);
    });
}

void add_kfp(CLI::App& deploy, ExitCode& exit) {
    auto c = std::make_shared<KfpCommand>();
    CLI::App* cmd = deploy.add_subcommand(
        "kfp", "Deploy to Kubeflow Pipelines (v2beta1 API; v1beta1 for kfp@1.8): pipeline, version, experiment, run, "
               "recurring run");
    add_common(*cmd, c->common);
    add_engine(*cmd, c->common.engine, Engine::kfp().name(), {EngineFamily::Kfp, EngineFamily::KfpV1});
    cmd->add_option("--host", c->connection.host, "the KFP API server, e.g. https://kfp.example.com")->required();
    auto* version = cmd->add_option("--pipeline-version", c->deploy.version,
                                    "the pipeline version's name, e.g. the git SHA; unique per pipeline (required)");
    // The flag's first name: kept working, hidden, because next to `pipecc --version` it surprises.
    auto* legacy = cmd->add_option("--version", c->deploy.version)->group("")->excludes(version);
    cmd->add_option("--experiment", c->deploy.experiment, "the experiment of runs (created if missing; default Default)");
    cmd->add_option("--namespace", c->connection.ns, "the namespace (multi-user KFP)");
    cmd->add_flag("--run", c->deploy.run, "start a run of this version");
    cmd->add_flag("--recurring", c->deploy.recurring,
                  "pin the recurring run to this version: create it, then retire earlier deploys' ones");
    cmd->add_option("--controller-zone", c->deploy.controller_zone,
                    "the zone the ScheduledWorkflow controller fires crons in, its CRON_SCHEDULE_TIMEZONE (default UTC); "
                    "the schedule is converted into it");
    cmd->add_flag("--fixed-offset", c->deploy.fixed_offset,
                  "take a zone with daylight saving time at its standard offset all year (else it is refused)");
    cmd->add_flag("--no-catchup", c->deploy.no_catchup, "the recurring run skips missed intervals");
    cmd->add_option("--retire", c->retire, "what to do with earlier deploys' recurring runs: disable (default) or delete")
        ->check(CLI::IsMember({"disable", "delete"}));
    cmd->add_option("--pipeline-root", c->deploy.pipeline_root, "runtime_config.pipeline_root");
    cmd->add_option("--service-account", c->deploy.service_account, "the Kubernetes service account of runs");
    cmd->add_option("--token-file", c->token_file, "a file holding the bearer token (else $KFP_TOKEN)");
    cmd->add_option("--user-id", c->connection.user_id, "the user, sent in the auth proxy's header");
    cmd->add_option("--user-id-header", c->connection.user_id_header, "that header (default kubeflow-userid)");
    cmd->callback([c, &exit, version, legacy] {
        if (version->count() + legacy->count() == 0) throw CLI::RequiredError("--pipeline-version");
        if (legacy->count() > 0) {
            std::cerr << "warning: `deploy kfp --version` is now `--pipeline-version`; the old name will go\n";
        }
        deploy_kfp_command(*c, exit);
    });
}

void add_vertex(CLI::App& deploy, ExitCode& exit) {
    auto c = std::make_shared<VertexCommand>();
    CLI::App* cmd = deploy.add_subcommand("vertex", "Deploy to Vertex AI Pipelines: a pipeline job and its schedule");
    add_common(*cmd, c->common);
    add_engine(*cmd, c->common.engine, Engine::vertex().name(), {EngineFamily::Vertex});
    cmd->add_option("--project", c->connection.project, "the Google Cloud project")->required();
    cmd->add_option("--region", c->connection.region, "the region, e.g. asia-northeast1")->required();
    cmd->add_option("--pipeline-root", c->deploy.pipeline_root, "the GCS root of outputs, gs://…")->required();
    cmd->add_option("--service-account", c->deploy.service_account, "the service account runs use");
    cmd->add_option("--label", c->labels, "a label of the pipeline job, KEY=VALUE (repeatable)");
    cmd->add_flag("--schedule", c->deploy.schedule,
                  "create the schedule, or update the one an earlier deploy made; alone, starts no run");
    cmd->add_flag("--run", c->run, "with --schedule: also start a run now");
    cmd->add_option("--endpoint", c->connection.endpoint,
                    "the API's base URL (default https://REGION-aiplatform.googleapis.com)");
    cmd->callback([c, &exit] { deploy_vertex_command(*c, exit); });
}

}  // namespace

void add_deploy_command(CLI::App& app, ExitCode& exit) {
    CLI::App* deploy = app.add_subcommand("deploy", "Deploy a compiled pipeline to Kubeflow Pipelines or Vertex AI");
    deploy->require_subcommand(1);
    add_kfp(*deploy, exit);
    add_vertex(*deploy, exit);
}

}  // namespace pipecc::cli

"""The KFP 1.8 v1beta1 API of the deploy stand-in (deploy_standin.py calls `handle`).

Read from kubeflow/pipelines at tag 1.8.22:
  backend/api/{pipeline,experiment,run,job,resource_reference,filter,pipeline_spec}.proto  routes, fields, enums
  backend/src/apiserver/main.go                    /pipelines/upload and /upload_version are plain HTTP handlers
  backend/src/apiserver/server/pipeline_upload_server.go  uploadfile, name, pipelineid; errors as api.Error
                                                   {error_message, error_details}, failures of the store as 500
  backend/src/common/util/template_util.go         ValidateWorkflow: apiVersion argoproj.io/v1alpha1, kind Workflow
  backend/src/apiserver/server/util.go             ReadPipelineFile (file name's extension),
                                                   ValidatePipelineSpecAndResourceReferences
  backend/src/apiserver/server/job_server.go       validateCreateJobRequest: max_concurrency 1..10, cron.Parse
  backend/src/apiserver/resource/resource_manager.go CreateJob: Spec.Enabled is the request's `enabled`;
                                                   VerifyParameters; the workflow stored as JSON (ToStringForStore)
grpc-gateway v1.16 (go.mod) marshals with OrigName: snake_case names, enum names, int64 as strings, and
leaves out false and empty fields (so a disabled job has no `enabled`). It ignores unknown request fields;
the stand-in refuses them instead, so that a misspelt field fails a test rather than being dropped.
"""
import json
import re
import urllib.parse

import yaml

import robfig_cron

API = "/apis/v1beta1"
RESOURCE_TYPES = ("UNKNOWN_RESOURCE_TYPE", "EXPERIMENT", "JOB", "PIPELINE", "PIPELINE_VERSION", "NAMESPACE")
RELATIONSHIPS = ("UNKNOWN_RELATIONSHIP", "OWNER", "CREATOR")
JOB_FIELDS = {"id", "name", "description", "pipeline_spec", "resource_references", "service_account",
              "max_concurrency", "trigger", "mode", "enabled", "no_catchup"}
RUN_FIELDS = {"id", "name", "description", "pipeline_spec", "resource_references", "service_account"}
SPEC_FIELDS = {"pipeline_id", "pipeline_name", "workflow_manifest", "pipeline_manifest", "parameters"}


def state(ctx):
    s = ctx.STATE
    for k in ("v1_pipelines", "v1_versions", "v1_experiments", "v1_runs", "v1_jobs"):
        s.setdefault(k, {})
    return s


def upload_error(ctx, status, message):
    e = ctx.HttpError(status, message)
    e.upload = True
    return e


def filter_name(ctx, query):
    if "filter" not in query:
        return None
    (p,) = json.loads(query["filter"])["predicates"]
    ctx.require(p.get("op") == "EQUALS" and p.get("key") == "name", "stand-in: only name EQUALS filters (op, key)")
    return p["string_value"]


def namespace_of(ctx, query):
    t = query.get("resource_reference_key.type")
    if t is None:
        return ""
    ctx.require(t == "NAMESPACE", "Invalid resource references for pipelines. ListPipelines requires filtering by namespace.")
    return query.get("resource_reference_key.id", "")


def read_workflow(ctx, files, filenames):
    if "uploadfile" not in files:
        raise upload_error(ctx, 400, "Failed to read pipeline from file: http: no such file")
    name = filenames.get("uploadfile") or ""
    if not re.search(r"\.(ya?ml|json)$", name):
        raise upload_error(ctx, 400, "Error read pipeline file.: Unexpected pipeline file format. Support .zip, "
                                     ".tar.gz, .json or YAML.")
    try:
        wf = yaml.safe_load(files["uploadfile"])
    except yaml.YAMLError as e:
        raise upload_error(ctx, 500, "Failed to parse the workflow template.: %s" % e)
    wf = wf if isinstance(wf, dict) else {}
    if not (str(wf.get("apiVersion", "")).startswith("argoproj.io/") and wf.get("kind") == "Workflow"):
        # InferTemplateFormat: neither an Argo Workflow nor a PipelineSpec.
        raise upload_error(ctx, 500, "Create pipeline failed: unknown template format: pipeline spec is invalid"
                                     " (kind: %s)" % wf.get("kind"))
    if wf["apiVersion"] != "argoproj.io/v1alpha1":
        raise upload_error(ctx, 500, "Unsupported argo version. Expected: argoproj.io/v1alpha1. Received: %s"
                           % wf["apiVersion"])
    ctx.require(isinstance(wf.get("spec"), dict) and wf["spec"].get("templates"), "stand-in: a Workflow needs templates")
    return wf


def stored_template(wf):
    """What ToStringForStore gives back: Go's json.Marshal of the Workflow struct, with its nulls."""
    out = json.loads(json.dumps(wf))
    out.setdefault("metadata", {})["creationTimestamp"] = None
    out["status"] = {"startedAt": None, "finishedAt": None}
    return json.dumps(out)


def add_version(ctx, pid, name, wf):
    s = state(ctx)
    for v in s["v1_versions"].values():
        if v["_pipeline"] == pid and v["name"] == name:
            raise upload_error(ctx, 500, "Error creating pipeline version: Create pipeline version failed: Failed to "
                                         "create a new pipeline version. The name %s already exist." % name)
    params = [{"name": p["name"], **({"value": str(p["value"])} if "value" in p else {})}
              for p in wf["spec"].get("arguments", {}).get("parameters", [])]
    v = {"id": ctx.new_id("v1version"), "name": name, "created_at": ctx.now(), "parameters": params,
         "resource_references": [{"key": {"id": pid, "type": "PIPELINE"}, "relationship": "OWNER"}],
         "_pipeline": pid, "_template": stored_template(wf), "_workflow": wf}
    s["v1_versions"][v["id"]] = v
    s["v1_pipelines"][pid]["default_version"] = view(v)
    return v


def view(obj):
    return {k: v for k, v in obj.items() if not k.startswith("_")}


def check_refs(ctx, refs):
    ctx.require(isinstance(refs, list), "resource_references must be a list")
    for r in refs:
        ctx.require(set(r) <= {"key", "name", "relationship"} and set(r.get("key", {})) <= {"type", "id"},
                    "stand-in: unknown fields in a resource reference: %s" % r)
        ctx.require(r.get("key", {}).get("type") in RESOURCE_TYPES and r.get("relationship") in RELATIONSHIPS,
                    "invalid value for enum in resource reference %s" % json.dumps(r))


def referenced(refs, rtype, relationship):
    for r in refs:
        if r["key"]["type"] == rtype and r["relationship"] == relationship:
            return r["key"]["id"]
    return ""


def check_spec_and_refs(ctx, body, known):
    """ValidatePipelineSpecAndResourceReferences (server/util.go), then the experiment and VerifyParameters."""
    s = state(ctx)
    ctx.require(set(body) <= known, "stand-in: unknown fields %s" % sorted(set(body) - known))
    spec = body.get("pipeline_spec") or {}
    ctx.require(set(spec) <= SPEC_FIELDS, "stand-in: unknown pipeline_spec fields %s" % sorted(set(spec) - SPEC_FIELDS))
    refs = body.get("resource_references") or []
    check_refs(ctx, refs)
    vid = referenced(refs, "PIPELINE_VERSION", "CREATOR")
    pid = spec.get("pipeline_id", "")
    ctx.require(not spec.get("workflow_manifest"), "stand-in: pipecc pins runs to versions")
    ctx.require(pid or vid, "Invalid input error: Please specify a pipeline by providing a (workflow manifest) or "
                            "(pipeline id or/and pipeline version).")
    ctx.require(not pid or pid in s["v1_pipelines"], "Get pipelineId failed.: Pipeline %s not found." % pid, 404)
    if not vid:
        # No version reference: the pipeline's default version runs (resource_manager.go
        # getWorkflowSpecManifestBytes), the newest upload (IsPipelineVersionUpdatedByDefault).
        vid = s["v1_pipelines"][pid]["default_version"]["id"]
    ctx.require(vid in s["v1_versions"], "Get pipelineVersionId failed.: PipelineVersion %s not found." % vid, 404)
    version = s["v1_versions"][vid]
    ctx.require(not pid or version["_pipeline"] == pid, "Invalid input error: pipeline ID should be parent of pipeline version.")
    eid = referenced(refs, "EXPERIMENT", "OWNER")
    ctx.require(eid, "stand-in: pipecc names the experiment (EXPERIMENT, OWNER)")
    ctx.require(eid in s["v1_experiments"], "Experiment %s not found." % eid, 404)
    declared = {p["name"] for p in version["_workflow"]["spec"].get("arguments", {}).get("parameters", [])}
    for p in spec.get("parameters") or []:
        ctx.require(set(p) <= {"name", "value"} and isinstance(p.get("value", ""), str),
                    "parameters are {name, value} strings: %s" % p)
        ctx.require(p.get("name") in declared, "Create job failed: Unrecognized input parameter: %s" % p.get("name"))
    return version


def create_job(ctx, body):
    s = state(ctx)
    version = check_spec_and_refs(ctx, body, JOB_FIELDS)
    try:
        mc = int(body.get("max_concurrency", 0))
    except (TypeError, ValueError):
        mc = 0
    ctx.require(1 <= mc <= 10, "Validate create job request failed.: Invalid input error: The max concurrency of the job is "
                               "out of range. Support 1-10. Received %s." % body.get("max_concurrency", 0))
    trigger = body.get("trigger") or {}
    ctx.require(set(trigger) <= {"cron_schedule", "periodic_schedule"}, "stand-in: unknown trigger fields")
    if "cron_schedule" in trigger:
        # job_server.go validateCreateJobRequest: cron.Parse of robfig/cron v1.2.0 (go.mod).
        err = robfig_cron.parse(trigger["cron_schedule"].get("cron") or "")
        ctx.require(err is None, "Validate create job request failed.: Invalid input error: Schedule cron is not a "
                                 "supported format(https://godoc.org/github.com/robfig/cron). Error: %s" % err)
    ctx.require(body.get("name"), "Create job failed: name is empty")
    job = {k: v for k, v in body.items() if k != "mode"}
    job["pipeline_spec"] = dict(body.get("pipeline_spec") or {}, workflow_manifest=version["_template"])
    if job["pipeline_spec"].get("pipeline_id"):
        job["pipeline_spec"]["pipeline_name"] = s["v1_pipelines"][job["pipeline_spec"]["pipeline_id"]]["name"]
    job.update({"id": ctx.new_id("v1job"), "max_concurrency": str(mc), "created_at": ctx.now(),
                "updated_at": ctx.now(), "status": "NO_STATUS"})
    # ScheduledWorkflowSpec.Enabled = apiJob.Enabled: `mode` is not read.
    if not body.get("enabled"):
        job.pop("enabled", None)
    if not body.get("no_catchup"):
        job.pop("no_catchup", None)
    s["v1_jobs"][job["id"]] = job
    return job


def run_detail(ctx, run):
    v = ctx.run_view(run)
    phase = {"PENDING": "Pending", "RUNNING": "Running", "SUCCEEDED": "Succeeded", "FAILED": "Failed"}[v["state"]]
    nodes = {"n%d" % i: {"displayName": t["display_name"], "type": "Pod",
                         "phase": {"SUCCEEDED": "Succeeded", "FAILED": "Failed"}.get(t["state"], "Running")}
             for i, t in enumerate(v["run_details"]["task_details"])}
    out = {k: val for k, val in v.items() if k not in ("state", "run_details", "error")}
    if phase != "Pending":
        out["status"] = phase
    if phase == "Failed":
        out["error"] = v["error"]["message"]
    wf = {"status": {"phase": phase, "nodes": nodes}}
    return {"run": out, "pipeline_runtime": {"workflow_manifest": json.dumps(wf)}}


def handle(ctx, method, path, query, body, files, filenames):
    s = state(ctx)
    require = ctx.require
    if method == "GET" and path == API + "/pipelines":
        ns = namespace_of(ctx, query)
        name = filter_name(ctx, query)
        ps = [view(p) for p in s["v1_pipelines"].values() if p["_namespace"] == ns and name in (None, p["name"])]
        return {"pipelines": ps, "total_size": len(ps)}
    if method == "POST" and path == API + "/pipelines/upload":
        wf = read_workflow(ctx, files, filenames)
        name = urllib.parse.unquote(query.get("name") or filenames.get("uploadfile"))
        ns = query.get("namespace", "")
        for p in s["v1_pipelines"].values():
            if p["name"] == name and p["_namespace"] == ns:
                raise upload_error(ctx, 500, "Error creating pipeline: Create pipeline failed: Failed to create a new "
                                             "pipeline. The name %s already exist. Please specify a new name." % name)
        p = {"id": ctx.new_id("v1pipeline"), "name": name, "created_at": ctx.now(), "_namespace": ns}
        s["v1_pipelines"][p["id"]] = p
        add_version(ctx, p["id"], name, wf)  # CreatePipeline: the first version has the pipeline's name
        return view(p)
    if method == "POST" and path == API + "/pipelines/upload_version":
        wf = read_workflow(ctx, files, filenames)
        pid = query.get("pipelineid", "")
        if not pid:
            raise upload_error(ctx, 400, "Please specify a pipeline id when creating versions.")
        if pid not in s["v1_pipelines"]:
            raise upload_error(ctx, 400, "Failed to get namespace from pipelineId.: Pipeline %s not found." % pid)
        return view(add_version(ctx, pid, query.get("name") or filenames["uploadfile"], wf))
    if method == "GET" and path == API + "/pipeline_versions":
        require(query.get("resource_key.type") == "PIPELINE" and query.get("resource_key.id"),
                "Invalid input error: ListPipelineVersions must filter by resource reference.")
        name = filter_name(ctx, query)
        vs = [view(v) for v in s["v1_versions"].values()
              if v["_pipeline"] == query["resource_key.id"] and name in (None, v["name"])]
        return {"versions": vs, "total_size": len(vs)}
    m = re.fullmatch(API + r"/pipeline_versions/([^/]+)/templates", path)
    if method == "GET" and m:
        require(m.group(1) in s["v1_versions"], "PipelineVersion %s not found." % m.group(1), 404)
        return {"template": s["v1_versions"][m.group(1)]["_template"]}
    if method == "GET" and path == API + "/experiments":
        ns = namespace_of(ctx, query)
        name = filter_name(ctx, query)
        es = [view(e) for e in s["v1_experiments"].values() if e["_namespace"] == ns and name in (None, e["name"])]
        return {"experiments": es, "total_size": len(es)}
    if method == "POST" and path == API + "/experiments":
        require(set(body) <= {"name", "description", "resource_references"}, "stand-in: unknown experiment fields")
        require(body.get("name"), "Invalid input error: Experiment name is empty. Please specify a valid experiment name.")
        refs = body.get("resource_references") or []
        check_refs(ctx, refs)
        ns = referenced(refs, "NAMESPACE", "OWNER")
        for e in s["v1_experiments"].values():
            require(not (e["name"] == body["name"] and e["_namespace"] == ns),
                    "Failed to create a new experiment. The name %s already exists." % body["name"], 409)
        e = {"id": ctx.new_id("v1exp"), "name": body["name"], "created_at": ctx.now(),
             "storage_state": "STORAGESTATE_AVAILABLE", "_namespace": ns}
        s["v1_experiments"][e["id"]] = e
        return view(e)
    if method == "POST" and path == API + "/runs":
        require(body.get("name"), "Invalid input error: The run name is empty. Please specify a valid name.")
        version = check_spec_and_refs(ctx, body, RUN_FIELDS)
        tasks = sorted(t["name"] for t in version["_workflow"]["spec"]["templates"] if "container" in t) or ["root"]
        run = dict(body)
        run.update({"id": ctx.new_id("v1run"), "created_at": ctx.now(), "_created": ctx.time.time(), "_tasks": tasks,
                    "_outcome": s["config"]["run_outcome"]})
        s["v1_runs"][run["id"]] = run
        return run_detail(ctx, run)
    m = re.fullmatch(API + r"/runs/([^/:]+)", path)
    if method == "GET" and m:
        require(m.group(1) in s["v1_runs"], "Run %s not found." % m.group(1), 404)
        return run_detail(ctx, s["v1_runs"][m.group(1)])
    if method == "GET" and path == API + "/jobs":
        jobs = list(s["v1_jobs"].values())
        size = int(query.get("page_size") or 10)
        start = int(query.get("page_token") or 0)
        out = {"jobs": jobs[start:start + size], "total_size": len(jobs)}
        if start + size < len(jobs):
            out["next_page_token"] = str(start + size)
        return out
    if method == "POST" and path == API + "/jobs":
        return create_job(ctx, body)
    m = re.fullmatch(API + r"/jobs/([^/]+?)(?:/(enable|disable))?", path)
    if m:
        require(m.group(1) in s["v1_jobs"], "Job %s not found." % m.group(1), 404)
        job = s["v1_jobs"][m.group(1)]
        if method == "POST" and m.group(2):
            if m.group(2) == "enable":
                job["enabled"] = True
            else:
                job.pop("enabled", None)
            job["updated_at"] = ctx.now()
            return {}
        if method == "DELETE" and not m.group(2):
            del s["v1_jobs"][m.group(1)]
            return {}
        if method == "GET" and not m.group(2):
            return job
    raise ctx.HttpError(404, "Not Found: %s %s" % (method, path))


def enabled_jobs(ctx):
    """The enabled jobs per pipeline, for the log."""
    out = {}
    for job in state(ctx)["v1_jobs"].values():
        if job.get("enabled"):
            out.setdefault(job.get("pipeline_spec", {}).get("pipeline_id", ""), []).append(job["id"])
    return out

#!/usr/bin/env python3
"""A stand-in for the KFP v2beta1, KFP 1.8 v1beta1 (kfp_v1_standin.py) and Vertex AI v1 REST APIs,
for `pipecc deploy` tests.

Listens on 127.0.0.1 only, on a free port written to --port-file (HTTPS with --tls-cert/--tls-key). It keeps state in memory and
follows the contracts where pipecc relies on them: kubeflow/pipelines
backend/api/v2beta1/swagger/*.json (snake_case fields, required inputs, multipart upload, version
names unique per pipeline, pipelines per namespace; recurring-run crons checked as KFP 2.17.0 does,
with robfig/cron v1.2.0's cron.Parse, in robfig_cron.py) and Vertex AI's pipelineJobs and schedules
(camelCase fields, updateMask). Runs advance PENDING -> RUNNING -> SUCCEEDED (or FAILED) over time.

Test control, under /_standin/:
  POST /_standin/config  {"token": T, "run_seconds": S, "run_outcome": "SUCCEEDED"|"FAILED"}
  POST /_standin/faults  {"faults": [{"method": M, "path": REGEX, "status": N | "drop": true |
                          "delay": SECONDS | "reply": JSON, "after": true, "times": K}]}
                         (the next K matching requests; with "after", the request takes effect
                         and then its connection drops)
  GET  /_standin/log     every request received, with the enabled recurring runs per pipeline after it
"""
import argparse
import email.parser
import sys
import email.policy
import itertools
import json
import os
import re
import ssl
import threading
import time
import urllib.parse
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import yaml

import kfp_v1_standin
import robfig_cron

LOCK = threading.Lock()
IDS = itertools.count(1)
STATE = {
    "config": {"token": None, "run_seconds": 0.6, "run_outcome": "SUCCEEDED"},
    "faults": [],
    "log": [],
    "pipelines": {}, "versions": {}, "experiments": {}, "runs": {}, "recurring": {},
    "jobs": {}, "schedules": {},
}


class HttpError(Exception):
    def __init__(self, status, message, google=False):
        super().__init__(message)
        self.status, self.message, self.google = status, message, google


GRPC_CODES = {400: 3, 401: 16, 403: 7, 404: 5, 409: 6, 429: 8, 500: 13, 503: 14}
GOOGLE_STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 404: "NOT_FOUND", 409: "ALREADY_EXISTS",
                 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}


def now():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_id(prefix):
    return "%s-%04d" % (prefix, next(IDS))


def require(cond, message, status=400, google=False):
    if not cond:
        raise HttpError(status, message, google)


def filter_equals(query):
    """The (key, value) of a v2beta1Filter with one EQUALS predicate, or None."""
    if "filter" not in query:
        return None
    f = json.loads(query["filter"])
    (p,) = f["predicates"]
    require(p["operation"] == "EQUALS", "stand-in: only EQUALS filters")
    return p["key"], p["string_value"]


def parse_spec(text):
    docs = [d for d in yaml.safe_load_all(text) if d is not None]
    require(docs, "Failed to parse the pipeline spec: empty file")
    pipeline = [d for d in docs if "platforms" not in d]
    platform = [d for d in docs if "platforms" in d]
    require(len(pipeline) == 1 and "root" in pipeline[0] and "pipelineInfo" in pipeline[0],
            "Failed to parse the pipeline spec: not a PipelineSpec")
    if platform:
        return {"pipeline_spec": pipeline[0], "platform_spec": platform[0]}
    return pipeline[0]


def enabled_recurring():
    out = {}
    for rr in STATE["recurring"].values():
        if rr["status"] == "ENABLED":
            out.setdefault(rr["pipeline_version_reference"]["pipeline_id"], []).append(rr["recurring_run_id"])
    out.update(kfp_v1_standin.enabled_jobs(sys.modules[__name__]))
    return out


def run_view(run):
    """The run with its state advanced by the time since it was created."""
    elapsed = time.time() - run["_created"]
    total = STATE["config"]["run_seconds"]
    tasks = run["_tasks"]
    view = {k: v for k, v in run.items() if not k.startswith("_")}
    if elapsed < total * 0.2:
        state, done = "PENDING", 0
    elif elapsed < total:
        state, done = "RUNNING", int(len(tasks) * (elapsed - total * 0.2) / (total * 0.8))
    else:
        state, done = run["_outcome"], len(tasks)
    view["state"] = state
    view["run_details"] = {"task_details": [
        {"display_name": t, "state": ("FAILED" if state == "FAILED" and i == len(tasks) - 1 else "SUCCEEDED")
         if i < done else "RUNNING"} for i, t in enumerate(tasks)]}
    if state == "FAILED":
        view["error"] = {"code": 2, "message": "task %s failed: exit code 1" % tasks[-1], "details": []}
    return view


# ---- KFP v2beta1 ----

def kfp(method, path, query, body, files):
    m = re.fullmatch(r"/apis/v2beta1/pipelines/names/([^/]+)", path)
    if method == "GET" and m:
        name = urllib.parse.unquote(m.group(1))
        ns = query.get("namespace", "")
        for p in STATE["pipelines"].values():
            if p["name"] == name and p.get("namespace", "") == ns:
                return p
        raise HttpError(404, "Failed to get a pipeline with name %s: ResourceNotFoundError" % name)
    if method == "POST" and path == "/apis/v2beta1/pipelines":
        return create_pipeline(body)
    if method == "POST" and path == "/apis/v2beta1/pipelines/upload":
        require("uploadfile" in files, "Failed to create a pipeline: missing uploadfile")
        spec = parse_spec(files["uploadfile"])
        p = create_pipeline({"name": query.get("name") or spec_name(spec), "namespace": query.get("namespace", "")})
        # As KFP does (#13753): the first version is named after the pipeline.
        create_version(p["pipeline_id"], p["name"], spec)
        return p
    if method == "POST" and path == "/apis/v2beta1/pipelines/upload_version":
        require("uploadfile" in files, "Failed to create a pipeline version: missing uploadfile")
        pid = query.get("pipelineid", "")
        require(pid, "Failed to create a pipeline version: pipelineid is required")
        require(pid in STATE["pipelines"], "Pipeline %s not found" % pid, 404)
        spec = parse_spec(files["uploadfile"])
        return create_version(pid, query.get("name") or spec_name(spec), spec)
    m = re.fullmatch(r"/apis/v2beta1/pipelines/([^/]+)/versions", path)
    if method == "GET" and m:
        pid = m.group(1)
        require(pid in STATE["pipelines"], "Pipeline %s not found" % pid, 404)
        versions = [v for v in STATE["versions"].values() if v["pipeline_id"] == pid]
        f = filter_equals(query)
        if f:
            versions = [v for v in versions if v.get(f[0]) == f[1]]
        return {"pipeline_versions": versions, "total_size": len(versions)}
    if method == "GET" and path == "/apis/v2beta1/experiments":
        exps = [e for e in STATE["experiments"].values() if e.get("namespace", "") == query.get("namespace", "")]
        f = filter_equals(query)
        if f:
            exps = [e for e in exps if e.get(f[0]) == f[1]]
        return {"experiments": exps, "total_size": len(exps)}
    if method == "POST" and path == "/apis/v2beta1/experiments":
        require(body.get("display_name"), "Invalid input error: Experiment display name is empty")
        for e in STATE["experiments"].values():
            require(not (e["display_name"] == body["display_name"] and e.get("namespace", "") == body.get("namespace", "")),
                    "Experiment %s already exists" % body["display_name"], 409)
        e = {"experiment_id": new_id("exp"), "display_name": body["display_name"],
             "namespace": body.get("namespace", ""), "created_at": now(), "storage_state": "AVAILABLE"}
        STATE["experiments"][e["experiment_id"]] = e
        return e
    if method == "POST" and path == "/apis/v2beta1/runs":
        return create_run(body, query)
    m = re.fullmatch(r"/apis/v2beta1/runs/([^/:]+)", path)
    if method == "GET" and m:
        require(m.group(1) in STATE["runs"], "Run %s not found" % m.group(1), 404)
        return run_view(STATE["runs"][m.group(1)])
    if method == "GET" and path == "/apis/v2beta1/recurringruns":
        rrs = list(STATE["recurring"].values())
        if query.get("experiment_id"):
            rrs = [r for r in rrs if r["experiment_id"] == query["experiment_id"]]
        size = int(query.get("page_size", "20"))
        start = int(query.get("page_token") or 0)
        page = rrs[start:start + size]
        out = {"recurringRuns": page, "total_size": len(rrs)}
        if start + size < len(rrs):
            out["next_page_token"] = str(start + size)
        return out
    if method == "POST" and path == "/apis/v2beta1/recurringruns":
        return create_recurring(body)
    m = re.fullmatch(r"/apis/v2beta1/recurringruns/([^/:]+)(?::(enable|disable))?", path)
    if m and m.group(1) in STATE["recurring"]:
        rr = STATE["recurring"][m.group(1)]
        if method == "POST" and m.group(2):
            rr["status"] = "ENABLED" if m.group(2) == "enable" else "DISABLED"
            rr["updated_at"] = now()
            return {}
        if method == "DELETE" and not m.group(2):
            del STATE["recurring"][m.group(1)]
            return {}
        if method == "GET" and not m.group(2):
            return rr
    if m:
        raise HttpError(404, "RecurringRun %s not found" % m.group(1))
    raise HttpError(404, "Not Found: %s %s" % (method, path))


def spec_name(spec):
    return (spec.get("pipeline_spec") or spec)["pipelineInfo"]["name"]


def create_pipeline(body):
    name = body.get("name") or body.get("display_name")
    require(name, "Invalid input error: pipeline name and display name are both empty")
    ns = body.get("namespace", "")
    for p in STATE["pipelines"].values():
        require(not (p["name"] == name and p.get("namespace", "") == ns),
                "Failed to create a pipeline: pipeline %s already exists in namespace '%s'" % (name, ns), 409)
    p = {"pipeline_id": new_id("pipeline"), "name": name, "display_name": body.get("display_name") or name,
         "namespace": ns, "created_at": now()}
    STATE["pipelines"][p["pipeline_id"]] = p
    return p


def create_version(pid, name, spec):
    for v in STATE["versions"].values():
        # gorm uniqueIndex idx_pipelineid_name
        require(not (v["pipeline_id"] == pid and v["name"] == name),
                "Failed to create a pipeline version: a version named %s already exists in pipeline %s" % (name, pid), 409)
    v = {"pipeline_id": pid, "pipeline_version_id": new_id("version"), "name": name, "display_name": name,
         "created_at": now(), "pipeline_spec": spec}
    STATE["versions"][v["pipeline_version_id"]] = v
    return v


def version_ref(body):
    ref = body.get("pipeline_version_reference") or {}
    require(ref.get("pipeline_id") or body.get("pipeline_spec"),
            "Invalid input error: either pipeline_version_reference or pipeline_spec is required")
    vid = ref.get("pipeline_version_id")
    require(ref.get("pipeline_id") in STATE["pipelines"], "Pipeline %s not found" % ref.get("pipeline_id"), 404)
    if vid:
        require(vid in STATE["versions"] and STATE["versions"][vid]["pipeline_id"] == ref["pipeline_id"],
                "PipelineVersion %s not found" % vid, 404)
    return STATE["versions"][vid] if vid else None


def create_run(body, query):
    require(body.get("display_name"), "Invalid input error: The run name is empty")
    version = version_ref(body)
    exp = body.get("experiment_id") or query.get("experiment_id")
    require(not exp or exp in STATE["experiments"], "Experiment %s not found" % exp, 404)
    spec = version["pipeline_spec"] if version else body["pipeline_spec"]
    spec = spec.get("pipeline_spec", spec)
    tasks = sorted(spec["root"].get("dag", {}).get("tasks", {}).keys()) or ["root"]
    params = spec["root"].get("inputDefinitions", {}).get("parameters", {})
    for k in (body.get("runtime_config") or {}).get("parameters", {}):
        require(k in params, "Invalid input error: unknown runtime parameter %s" % k)
    run = dict(body)
    run.update({"run_id": new_id("run"), "experiment_id": exp, "created_at": now(), "storage_state": "AVAILABLE",
                "_created": time.time(), "_tasks": tasks, "_outcome": STATE["config"]["run_outcome"]})
    STATE["runs"][run["run_id"]] = run
    return run_view(run)


def create_recurring(body):
    require(body.get("display_name"), "Invalid input error: The recurring run name is empty")
    try:
        mc = int(body.get("max_concurrency", 0))
    except (TypeError, ValueError):
        mc = 0
    require(1 <= mc <= 10, "Invalid input error: Max concurrency of a recurring run must be at least 1 and at most 10."
            " Received %s" % body.get("max_concurrency"))
    schedule = (body.get("trigger") or {}).get("cron_schedule")
    require(schedule is not None, "Invalid input error: trigger is required")
    # KFP 2.17.0 checks the cron with robfig/cron v1.2.0's cron.Parse (toModelJob in
    # backend/src/apiserver/server/api_converter.go; go.mod pins v1.2.0), which robfig_cron.py
    # follows exactly: no TZ= prefix, seconds first. A missing cron is "" in protojson.
    err = robfig_cron.parse(schedule.get("cron") or "")
    require(err is None, "Failed to create a recurring run due to conversion error: Schedule cron is not a supported "
            "format(https://godoc.org/github.com/robfig/cron). Error: %s" % err)
    require(body.get("mode") in ("ENABLE", "DISABLE"), "Invalid input error: mode must be ENABLE or DISABLE")
    version_ref(body)
    require(not body.get("experiment_id") or body["experiment_id"] in STATE["experiments"],
            "Experiment %s not found" % body.get("experiment_id"), 404)
    rr = dict(body)
    rr.update({"recurring_run_id": new_id("recurring"), "created_at": now(), "updated_at": now(),
               "status": "ENABLED" if body["mode"] == "ENABLE" else "DISABLED"})
    STATE["recurring"][rr["recurring_run_id"]] = rr
    return rr


# ---- Vertex AI v1 ----

def vertex(method, path, query, body):
    m = re.fullmatch(r"/v1/projects/([^/]+)/locations/([^/]+)/pipelineJobs", path)
    if method == "POST" and m:
        parent = "projects/%s/locations/%s" % m.groups()
        return create_job(parent, query.get("pipelineJobId") or new_id("job"), body)
    m = re.fullmatch(r"/v1/(projects/[^/]+/locations/[^/]+/pipelineJobs/[^/]+)", path)
    if method == "GET" and m:
        require(m.group(1) in STATE["jobs"], "PipelineJob %s not found" % m.group(1), 404, True)
        return job_view(STATE["jobs"][m.group(1)])
    m = re.fullmatch(r"/v1/(projects/[^/]+/locations/[^/]+)/schedules", path)
    if method == "POST" and m:
        require(body.get("displayName"), "displayName is required", 400, True)
        check_schedule(m.group(1), body)
        s = dict(body)
        s.update({"name": "%s/schedules/%d" % (m.group(1), next(IDS)), "state": "ACTIVE", "createTime": now(),
                  "updateTime": now()})
        STATE["schedules"][s["name"]] = s
        return s
    if method == "GET" and m:
        scheds = [s for s in STATE["schedules"].values() if s["name"].startswith(m.group(1) + "/")]
        f = query.get("filter")
        if f:
            fm = re.fullmatch(r'display_name="(.*)"', f)
            require(fm, "stand-in: only display_name=\"...\" filters", 400, True)
            scheds = [s for s in scheds if s["displayName"] == json.loads('"%s"' % fm.group(1))]
        return {"schedules": scheds}
    m = re.fullmatch(r"/v1/(projects/[^/]+/locations/[^/]+/schedules/[^/]+)", path)
    if method == "PATCH" and m:
        require(m.group(1) in STATE["schedules"], "Schedule %s not found" % m.group(1), 404, True)
        require(query.get("updateMask"), "updateMask is required", 400, True)
        s = STATE["schedules"][m.group(1)]
        mask = query["updateMask"].split(",")
        merged = dict(s)
        for field in mask:
            require(field in ("displayName", "cron", "maxConcurrentRunCount", "createPipelineJobRequest", "startTime",
                              "endTime", "maxRunCount", "allowQueueing"), "bad updateMask field %s" % field, 400, True)
            merged[field] = body.get(field)
        check_schedule(m.group(1).rsplit("/schedules/", 1)[0], merged)
        merged["updateTime"] = now()
        STATE["schedules"][m.group(1)] = merged
        return merged
    raise HttpError(404, "Not Found: %s %s" % (method, path), True)


def check_schedule(parent, s):
    require(re.fullmatch(r"((TZ|CRON_TZ)=[A-Za-z0-9_/+-]+ )?(\S+ ){4}\S+", s.get("cron") or ""),
            "cron must be a 5-field cron, optionally prefixed TZ=: %s" % s.get("cron"), 400, True)
    require(int(s.get("maxConcurrentRunCount") or 0) >= 1, "maxConcurrentRunCount is required", 400, True)
    req = s.get("createPipelineJobRequest") or {}
    require(req.get("parent") == parent, "createPipelineJobRequest.parent must be %s" % parent, 400, True)
    check_job(req.get("pipelineJob") or {})


def check_job(job):
    require(job.get("pipelineSpec") or job.get("templateUri"), "pipelineSpec or templateUri is required", 400, True)
    spec = job.get("pipelineSpec") or {}
    require(not spec or ("root" in spec and "pipelineInfo" in spec), "pipelineSpec is not a PipelineSpec", 400, True)
    rc = job.get("runtimeConfig") or {}
    require(rc.get("gcsOutputDirectory") or spec.get("defaultPipelineRoot"),
            "runtimeConfig.gcsOutputDirectory is required", 400, True)
    params = spec.get("root", {}).get("inputDefinitions", {}).get("parameters", {})
    for k in rc.get("parameterValues", {}):
        require(k in params, "unknown parameter %s" % k, 400, True)


def create_job(parent, job_id, body):
    require(re.fullmatch(r"[a-z][a-z0-9-]{0,127}", job_id), "bad pipelineJobId %s" % job_id, 400, True)
    check_job(body)
    name = "%s/pipelineJobs/%s" % (parent, job_id)
    require(name not in STATE["jobs"], "PipelineJob %s already exists" % name, 409, True)
    tasks = sorted(body["pipelineSpec"]["root"].get("dag", {}).get("tasks", {}).keys()) or ["root"]
    job = dict(body)
    job.update({"name": name, "createTime": now(), "_created": time.time(), "_tasks": tasks,
                "_outcome": STATE["config"]["run_outcome"]})
    STATE["jobs"][name] = job
    return job_view(job)


def job_view(job):
    v = run_view(job)
    view = {k: val for k, val in v.items() if k not in ("state", "run_details", "error")}
    view["state"] = "PIPELINE_STATE_" + v["state"]
    view["jobDetail"] = {"taskDetails": [{"taskName": t["display_name"], "state": t["state"]}
                                         for t in v["run_details"]["task_details"]]}
    if "error" in v:
        view["error"] = {"code": 9, "message": v["error"]["message"]}
    return view


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.handle_any()

    do_POST = do_PATCH = do_DELETE = do_GET

    def handle_any(self):
        url = urllib.parse.urlsplit(self.path)
        path = url.path
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if path.startswith("/_standin/"):
            return self.control(path, raw)
        body, files, filenames = {}, {}, {}
        ctype = self.headers.get("Content-Type", "")
        if ctype.startswith("multipart/form-data"):
            msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + raw)
            for part in msg.iter_parts():
                field = part.get_param("name", header="content-disposition")
                files[field] = part.get_payload(decode=True).decode()
                filenames[field] = part.get_filename()
        elif raw:
            try:
                body = json.loads(raw)
            except ValueError:
                return self.reply(400, {"code": 3, "message": "request body is not JSON"})
        entry = {"method": self.command, "path": path, "query": query, "headers": dict(self.headers.items()),
                 "body": body, "files": files, "time": time.time()}
        with LOCK:
            fault = self.take_fault(self.command, path)
        google = path.startswith("/v1/")
        if fault and not fault.get("after"):
            entry["fault"] = fault
            with LOCK:
                STATE["log"].append(entry)
            if fault.get("delay"):
                time.sleep(fault["delay"])
            if "reply" in fault:
                return self.reply(fault.get("status", 200), fault["reply"])
            if fault.get("drop"):
                return self.drop()
            if fault.get("status"):
                return self.error(HttpError(fault["status"], "injected fault", google))
        with LOCK:
            try:
                token = STATE["config"]["token"]
                if token and self.headers.get("Authorization") != "Bearer " + token:
                    raise HttpError(401, "Unauthenticated: a valid bearer token is required", google)
                if google:
                    result = vertex(self.command, path, query, body)
                elif path.startswith(kfp_v1_standin.API + "/"):
                    result = kfp_v1_standin.handle(sys.modules[__name__], self.command, path, query, body, files,
                                                   filenames)
                else:
                    result = kfp(self.command, path, query, body, files)
                status = 200
            except HttpError as e:
                result, status = e, e.status
            entry["status"] = status
            entry["enabled_recurring"] = enabled_recurring()
            if fault:
                entry["fault"] = fault
            if not fault or fault.get("after"):
                STATE["log"].append(entry)
        if fault and fault.get("after"):
            # The request took effect; only its reply is lost.
            return self.drop()
        if isinstance(result, HttpError):
            return self.error(result)
        self.reply(200, result)

    def drop(self):
        self.close_connection = True
        self.connection.shutdown(2)

    def take_fault(self, method, path):
        for f in STATE["faults"]:
            if f.get("times", 1) > 0 and f.get("method", method) == method and re.search(f["path"], path):
                f["times"] = f.get("times", 1) - 1
                return dict(f)
        return None

    def control(self, path, raw):
        with LOCK:
            if path == "/_standin/config":
                STATE["config"].update(json.loads(raw))
                return self.reply(200, STATE["config"])
            if path == "/_standin/faults":
                STATE["faults"] = json.loads(raw)["faults"]
                return self.reply(200, {})
            if path == "/_standin/log":
                return self.reply(200, {"requests": STATE["log"]})
        self.reply(404, {"message": "no such control endpoint"})

    def error(self, e):
        if getattr(e, "upload", False):
            # KFP 1.8's upload handler writes api.Error (pipeline_upload_server.go writeErrorToResponse).
            body = {"error_message": e.message, "error_details": e.message}
        elif e.google:
            body = {"error": {"code": e.status, "message": e.message, "status": GOOGLE_STATUS.get(e.status, "UNKNOWN")}}
        else:
            body = {"code": GRPC_CODES.get(e.status, 2), "message": e.message, "details": []}
        self.reply(e.status, body)

    def reply(self, status, obj):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--tls-cert", help="serve HTTPS with this certificate (PEM)")
    ap.add_argument("--tls-key", help="and this key (PEM)")
    args = ap.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Checks that `pipecc validate` gives the upstream validators' verdicts.

Usage: /usr/bin/python3 tests/tools/validate_agreement.py PIPECC SHARED_DIR

Over every Argo file of SHARED_DIR/reference/{argo-examples,hera-examples} and every KFP golden of
SHARED_DIR/reference/kfp-goldens, plus mutated copies of some of them, compares the verdict
(valid / invalid / not an Argo or IR file) of `PIPECC validate` with that of
SHARED_DIR/tools/validate_argo.py --strict --go-scalars --semantic (Argo) and
SHARED_DIR/tools/validate_kfp_ir.py (IR). Mutations of two sorts:
- "both": a mistake each validator must report (unknown field, required field removed, wrong
  type, bad enum, broken template/task reference, dependency cycle, two members of a oneof);
- "pipecc": a mistake only pipecc checks (undeclared `{{inputs.parameters.x}}`, unknown task
  output, component/executor references, KFP placeholders); the upstream validators accept these,
  so pipecc alone must say invalid.
Each validator runs once over all files. Prints a summary and every disagreement; exit 0 when
all agree, 1 otherwise, 77 (skipped) without SHARED_DIR.
"""
import copy
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

PYTHON = "/usr/bin/python3"
ARGO_KINDS = ("Workflow", "CronWorkflow", "WorkflowTemplate", "ClusterWorkflowTemplate")


def argo_verdicts(shared, files):
    """validate_argo.py's verdict per file: valid, invalid, unreadable or skip (no Argo kind)."""
    cmd = [PYTHON, os.path.join(shared, "tools", "validate_argo.py"), "--strict", "--go-scalars", "--semantic",
           "-v", "--max-errors", "0"] + files
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    verdicts = {f: "valid" for f in files}
    for line in out.splitlines():
        m = re.match(r"^(\S.*?): (FAIL|SKIP|ERROR|ok) ", line)
        if not m:
            continue
        f, status = m.groups()
        if status == "ERROR":
            verdicts[f] = "unreadable"
        elif status == "FAIL" and verdicts[f] != "unreadable":
            verdicts[f] = "invalid"
        elif status == "SKIP":
            verdicts[f] = "skip"
    return verdicts


def kfp_verdicts(shared, files):
    cmd = [PYTHON, os.path.join(shared, "tools", "validate_kfp_ir.py"), "-q"] + files
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    verdicts = {f: "valid" for f in files}
    for line in out.splitlines():
        f = line.split(": /", 1)[0]
        if f in verdicts:
            verdicts[f] = "unreadable" if ": unreadable:" in line else "invalid"
    return verdicts


def pipecc_verdicts(pipecc, files):
    out = subprocess.run([pipecc, "validate", "--format", "json"] + files, capture_output=True, text=True).stdout
    return {r["file"]: r["verdict"] for r in json.loads(out)["files"]}


# ---------------------------------------------------------------- mutations --
def workflow_spec(doc):
    spec = doc.get("spec") or {}
    return spec.get("workflowSpec") or {} if doc.get("kind") == "CronWorkflow" else spec


def dags(spec):
    return [t["dag"] for t in spec.get("templates") or [] if isinstance(t.get("dag"), dict)]


def first(items, pred):
    return next((x for x in items if pred(x)), None)


def find_named_parameter(x):
    if isinstance(x, dict):
        for k, v in x.items():
            if k == "parameters" and isinstance(v, list) and v and isinstance(v[0], dict) and "name" in v[0]:
                return v[0]
            found = find_named_parameter(v)
            if found is not None:
                return found
    elif isinstance(x, list):
        for v in x:
            found = find_named_parameter(v)
            if found is not None:
                return found
    return None


def argo_unknown_field(doc):
    doc["spec"]["bogusField"] = 1
    return True


def argo_required_removed(doc):
    p = find_named_parameter(workflow_spec(doc))
    return p is not None and p.pop("name", None) is not None


def argo_wrong_type(doc):
    workflow_spec(doc)["parallelism"] = "many"
    return True


def argo_template_ref(doc):
    spec = workflow_spec(doc)
    if "workflowTemplateRef" in spec or not spec.get("templates"):
        return False
    spec["entrypoint"] = "no-such-template"
    return True


def argo_task_ref(doc):
    for dag in dags(workflow_spec(doc)):
        task = first(dag.get("tasks") or [], lambda t: "template" in t and "templateRef" not in t)
        if task:
            task["template"] = "no-such-template"
            return True
    return False


def argo_cycle(doc):
    for dag in dags(workflow_spec(doc)):
        tasks = dag.get("tasks") or []
        if len(tasks) >= 2:
            a, b = tasks[0], tasks[1]
            for t in (a, b):
                t.pop("dependencies", None)
            a["depends"], b["depends"] = b["name"], a["name"]
            return True
    return False


def argo_undeclared_input(doc):
    for t in workflow_spec(doc).get("templates") or []:
        if isinstance(t.get("container"), dict):
            t["container"]["args"] = list(t["container"].get("args") or []) + ["{{inputs.parameters.pipecc-undeclared}}"]
            return True
    return False


def argo_unknown_task_output(doc):
    for dag in dags(workflow_spec(doc)):
        tasks = dag.get("tasks") or []
        if tasks:
            tasks[0]["when"] = "{{tasks.no-such-task.outputs.result}} == x"
            return True
    return False


def ir_unknown_field(docs):
    docs[0]["bogusField"] = 1
    return True


def ir_wrong_type(docs):
    docs[0]["pipelineInfo"]["name"] = ["not", "a", "string"]
    return True


def input_parameters(docs):
    for c in [docs[0].get("root", {})] + list((docs[0].get("components") or {}).values()):
        for p in ((c.get("inputDefinitions") or {}).get("parameters") or {}).values():
            yield p


def ir_bad_enum(docs):
    p = next(input_parameters(docs), None)
    if p is None:
        return False
    p["parameterType"] = "NOT_A_TYPE"
    return True


def ir_oneof(docs):
    c = first((docs[0].get("components") or {}).values(), lambda c: "executorLabel" in c)
    if c is None:
        return False
    c["dag"] = {"tasks": {}}
    return True


def root_tasks(docs):
    return list(((docs[0].get("root") or {}).get("dag") or {}).get("tasks", {}).values())


def ir_component_ref(docs):
    task = first(root_tasks(docs), lambda t: "componentRef" in t)
    if task is None:
        return False
    task["componentRef"]["name"] = "comp-no-such-component"
    return True


def ir_unknown_dependency(docs):
    tasks = root_tasks(docs)
    if not tasks:
        return False
    tasks[0].setdefault("dependentTasks", []).append("no-such-task")
    return True


def containers(docs):
    for e in ((docs[0].get("deploymentSpec") or {}).get("executors") or {}).values():
        if isinstance(e.get("container"), dict):
            yield e["container"]


def ir_undeclared_placeholder(docs):
    c = next(containers(docs), None)
    if c is None:
        return False
    c["args"] = list(c.get("args") or []) + ["{{$.inputs.parameters['pipecc_undeclared']}}"]
    return True


def ir_run_placeholder_in_args(docs):
    c = next(containers(docs), None)
    if c is None:
        return False
    c["args"] = list(c.get("args") or []) + ["--run={{$.pipeline_job_name}}"]
    return True


ARGO_MUTATIONS = [("both", argo_unknown_field), ("both", argo_required_removed), ("both", argo_wrong_type),
                  ("both", argo_template_ref), ("both", argo_task_ref), ("both", argo_cycle),
                  ("pipecc", argo_undeclared_input), ("pipecc", argo_unknown_task_output)]
IR_MUTATIONS = [("both", ir_unknown_field), ("both", ir_wrong_type), ("both", ir_bad_enum), ("both", ir_oneof),
                ("pipecc", ir_component_ref), ("pipecc", ir_unknown_dependency),
                ("pipecc", ir_undeclared_placeholder), ("pipecc", ir_run_placeholder_in_args)]


class _StringTimestamps(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Keeps timestamps as text, as Go's YAML-to-JSON step does, so a copy says what the original said."""


_StringTimestamps.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


def mutate(files, mutations, out_dir, is_argo, every):
    """-> list of (path, sort, mutation name): each mutation applied to every `every`-th file it fits."""
    made = []
    for name_index, (sort, mutation) in enumerate(mutations):
        for i, path in enumerate(files):
            if (i + name_index) % every:
                continue
            with open(path) as f:
                docs = [d for d in yaml.load_all(f, Loader=_StringTimestamps) if d is not None]
            if is_argo:
                targets = [d for d in docs if isinstance(d, dict) and d.get("kind") in ARGO_KINDS]
                if not targets or not mutation(targets[0]):
                    continue
            elif not docs or not mutation(docs):
                continue
            target = os.path.join(out_dir, f"{mutation.__name__}__{os.path.basename(path)}")
            with open(target, "w") as f:
                yaml.dump_all(docs, f, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False)
            made.append((target, sort, mutation.__name__))
    return made


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    pipecc, shared = argv[1], argv[2]
    ref = os.path.join(shared, "reference")
    if not os.path.isdir(os.path.join(shared, "tools")):
        print(f"SKIPPED: {shared} not found (a user's clone); the upstream validators were not run")
        return 77
    listing = lambda d: sorted(os.path.join(ref, d, f) for f in os.listdir(os.path.join(ref, d)) if f.endswith(".yaml"))
    argo_files = listing("argo-examples") + listing("hera-examples")
    ir_files = listing("kfp-goldens")
    with tempfile.TemporaryDirectory(prefix="pipecc-agreement-") as tmp:
        upstream = {**argo_verdicts(shared, argo_files), **kfp_verdicts(shared, ir_files)}
        argo_valid = [f for f in argo_files if upstream[f] == "valid"]
        ir_valid = [f for f in ir_files if upstream[f] == "valid"]
        argo_mutants = mutate(argo_valid, ARGO_MUTATIONS, tmp, True, 12)
        ir_mutants = mutate(ir_valid, IR_MUTATIONS, tmp, False, 5)
        all_argo = argo_files + [m[0] for m in argo_mutants]
        all_ir = ir_files + [m[0] for m in ir_mutants]
        upstream.update(argo_verdicts(shared, [m[0] for m in argo_mutants]))
        upstream.update(kfp_verdicts(shared, [m[0] for m in ir_mutants]))
        ours = pipecc_verdicts(pipecc, all_argo + all_ir)
        sort_of = {m[0]: m[1] for m in argo_mutants + ir_mutants}
        bad = []
        for f in all_argo + all_ir:
            theirs, mine = upstream[f], ours.get(f, "missing")
            sort = sort_of.get(f)
            if sort == "both":
                ok = theirs == "invalid" and mine == "invalid"
            elif sort == "pipecc":
                ok = mine == "invalid"
            else:
                ok = mine == ("unreadable" if theirs == "skip" else theirs)
            if not ok:
                bad.append(f"{os.path.basename(f)}: upstream {theirs}, pipecc {mine}" + (f" ({sort} mutation)" if sort else ""))
        n_orig = len(argo_files) + len(ir_files)
        n_both = sum(1 for m in argo_mutants + ir_mutants if m[1] == "both")
        n_ours = len(argo_mutants) + len(ir_mutants) - n_both
        upstream_accepts_ours = sum(1 for m in argo_mutants + ir_mutants if m[1] == "pipecc" and upstream[m[0]] == "valid")
        print(f"validate agreement: {n_orig} corpus files ({len(argo_files)} Argo, {len(ir_files)} IR), "
              f"{n_both} mutants both must reject, {n_ours} mutants only pipecc checks "
              f"({upstream_accepts_ours} of them accepted upstream); "
              f"{n_orig + n_both + n_ours - len(bad)} agree, {len(bad)} disagree")
        per_mutation = {}
        for _, sort, name in argo_mutants + ir_mutants:
            per_mutation[name] = per_mutation.get(name, 0) + 1
        print("  mutants: " + ", ".join(f"{name} {n}" for name, n in per_mutation.items()))
        for line in bad:
            print("  DISAGREE " + line)
        return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

// A task's Kubernetes pod settings (volumes, config maps, tolerations, node affinity, pod
// metadata, pull secrets): the kfp-kubernetes platform spec on KFP, the pod spec on Argo, and the
// compile errors for settings Kubernetes would refuse.
#include <functional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "test_support.hpp"

namespace pod_settings_test {

using namespace pipecc;
using Catch::Contains;
using test::argo_wf;
using test::by_name;
using test::check_error;
using test::component;
using test::kfp_docs;

namespace {

Component step() { return component("step"); }

YAML::Node k8s_executor(const Pipeline& p, const std::string& exec) {
    const auto docs = kfp_docs(p);
    REQUIRE(docs.size() == 2);
    return docs[1]["platforms"]["kubernetes"]["deploymentSpec"]["executors"][exec];
}

std::string str(const YAML::Node& n) { return n.as<std::string>(); }

// Every setting once, on one task.
Pipeline all_settings() {
    Pipeline p("p");
    p.add(step(), "t")
        .secret_volume("db-creds", "/secrets/db")
        .env_from_config_map("MODE", "settings", "mode")
        .config_map_volume("settings", "/etc/settings")
        .pvc_mount("cache", "/cache", "run/data")
        .ephemeral_volume("scratch", "/scratch", "100Gi", "premium-rwo")
        .ephemeral_volume("tmp", "/tmp/work", "1Gi")
        .toleration({.key = "gpu", .op = "Equal", .value = "true", .effect = "NoExecute", .seconds = 60})
        .toleration({.op = "Exists"})
        .node_affinity({{.key = "pool", .op = "In", .values = {"a", "b"}}})
        .node_affinity({{.key = "zone", .op = "NotIn", .values = {"z1"}}, {.key = "ssd", .op = "Exists"}}, 20)
        .pod_label("team", "ml")
        .pod_annotation("example.com/owner", "alice")
        .image_pull_secret("registry");
    return p;
}

}  // namespace

TEST_CASE("pod settings: KFP writes them as kfp-kubernetes does", "[pod][kfp]") {
    const YAML::Node k = k8s_executor(all_settings(), "exec-step");

    const YAML::Node sv = k["secretAsVolume"][0];
    CHECK(str(sv["secretName"]) == "db-creds");
    CHECK(str(sv["secretNameParameter"]["runtimeValue"]["constant"]) == "db-creds");
    CHECK(str(sv["mountPath"]) == "/secrets/db");
    CHECK_FALSE(sv["optional"].as<bool>());

    const YAML::Node ce = k["configMapAsEnv"][0];
    CHECK(str(ce["configMapName"]) == "settings");
    CHECK(str(ce["configMapNameParameter"]["runtimeValue"]["constant"]) == "settings");
    CHECK(str(ce["keyToEnv"][0]["configMapKey"]) == "mode");
    CHECK(str(ce["keyToEnv"][0]["envVar"]) == "MODE");

    CHECK(str(k["configMapAsVolume"][0]["mountPath"]) == "/etc/settings");
    CHECK(str(k["configMapAsVolume"][0]["configMapName"]) == "settings");

    const YAML::Node pvc = k["pvcMount"][0];
    CHECK(str(pvc["constant"]) == "cache");
    CHECK(str(pvc["pvcNameParameter"]["runtimeValue"]["constant"]) == "cache");
    CHECK(str(pvc["mountPath"]) == "/cache");
    CHECK(str(pvc["subPath"]) == "run/data");

    const YAML::Node eph = k["genericEphemeralVolume"];
    REQUIRE(eph.size() == 2);
    CHECK(str(eph[0]["volumeName"]) == "scratch");
    CHECK(str(eph[0]["mountPath"]) == "/scratch");
    CHECK(str(eph[0]["size"]) == "100Gi");
    CHECK(str(eph[0]["storageClassName"]) == "premium-rwo");
    CHECK(str(eph[0]["accessModes"][0]) == "ReadWriteOnce");
    CHECK_FALSE(eph[0]["defaultStorageClass"]);
    CHECK(eph[1]["defaultStorageClass"].as<bool>());
    CHECK_FALSE(eph[1]["storageClassName"]);

    const YAML::Node tol = k["tolerations"];
    REQUIRE(tol.size() == 2);
    CHECK(str(tol[0]["key"]) == "gpu");
    CHECK(str(tol[0]["operator"]) == "Equal");
    CHECK(str(tol[0]["value"]) == "true");
    CHECK(str(tol[0]["effect"]) == "NoExecute");
    CHECK(tol[0]["tolerationSeconds"].as<int>() == 60);
    CHECK(str(tol[1]["operator"]) == "Exists");
    CHECK_FALSE(tol[1]["key"]);
    CHECK_FALSE(tol[1]["tolerationSeconds"]);

    const YAML::Node aff = k["nodeAffinity"];
    REQUIRE(aff.size() == 2);
    CHECK(str(aff[0]["matchExpressions"][0]["key"]) == "pool");
    CHECK(aff[0]["matchExpressions"][0]["values"].size() == 2);
    CHECK_FALSE(aff[0]["weight"]);
    CHECK(aff[1]["weight"].as<int>() == 20);
    CHECK(str(aff[1]["matchExpressions"][1]["operator"]) == "Exists");
    CHECK_FALSE(aff[1]["matchExpressions"][1]["values"]);

    CHECK(str(k["podMetadata"]["labels"]["team"]) == "ml");
    CHECK(str(k["podMetadata"]["annotations"]["example.com/owner"]) == "alice");
    CHECK(str(k["imagePullSecret"][0]["secretName"]) == "registry");
    CHECK(str(k["imagePullSecret"][0]["secretNameParameter"]["runtimeValue"]["constant"]) == "registry");
}

TEST_CASE("pod settings: Argo writes them into the task's pod", "[pod][argo]") {
    const YAML::Node wf = argo_wf(all_settings());
    const YAML::Node tmpl = by_name(wf["spec"]["templates"], "step");
    REQUIRE(tmpl);

    // Each volume has a mount, by the same name, in the container.
    const YAML::Node volumes = tmpl["volumes"];
    const YAML::Node mounts = tmpl["container"]["volumeMounts"];
    REQUIRE(volumes.size() == 5);
    REQUIRE(mounts.size() == 5);
    for (std::size_t i = 0; i < 5; ++i) CHECK(str(volumes[i]["name"]) == str(mounts[i]["name"]));
    CHECK(str(volumes[0]["secret"]["secretName"]) == "db-creds");
    CHECK(str(mounts[0]["mountPath"]) == "/secrets/db");
    CHECK(str(volumes[1]["configMap"]["name"]) == "settings");
    CHECK(str(mounts[1]["mountPath"]) == "/etc/settings");
    CHECK(str(volumes[2]["persistentVolumeClaim"]["claimName"]) == "cache");
    CHECK(str(mounts[2]["mountPath"]) == "/cache");
    CHECK(str(mounts[2]["subPath"]) == "run/data");
    const YAML::Node claim = volumes[3]["ephemeral"]["volumeClaimTemplate"]["spec"];
    CHECK(str(claim["accessModes"][0]) == "ReadWriteOnce");
    CHECK(str(claim["storageClassName"]) == "premium-rwo");
    CHECK(str(claim["resources"]["requests"]["storage"]) == "100Gi");
    CHECK(str(mounts[3]["mountPath"]) == "/scratch");
    CHECK_FALSE(volumes[4]["ephemeral"]["volumeClaimTemplate"]["spec"]["storageClassName"]);

    const YAML::Node env = by_name(tmpl["container"]["env"], "MODE");
    CHECK(str(env["valueFrom"]["configMapKeyRef"]["name"]) == "settings");
    CHECK(str(env["valueFrom"]["configMapKeyRef"]["key"]) == "mode");

    CHECK(str(tmpl["tolerations"][0]["key"]) == "gpu");
    CHECK(tmpl["tolerations"][0]["tolerationSeconds"].as<int>() == 60);
    CHECK(str(tmpl["tolerations"][1]["operator"]) == "Exists");

    const YAML::Node na = tmpl["affinity"]["nodeAffinity"];
    const YAML::Node required = na["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"];
    REQUIRE(required.size() == 1);
    CHECK(str(required[0]["matchExpressions"][0]["key"]) == "pool");
    const YAML::Node preferred = na["preferredDuringSchedulingIgnoredDuringExecution"];
    REQUIRE(preferred.size() == 1);
    CHECK(preferred[0]["weight"].as<int>() == 20);
    CHECK(str(preferred[0]["preference"]["matchExpressions"][0]["key"]) == "zone");

    CHECK(str(tmpl["metadata"]["labels"]["team"]) == "ml");
    CHECK(str(tmpl["metadata"]["annotations"]["example.com/owner"]) == "alice");
    // Argo has pull secrets only for the whole workflow.
    REQUIRE(wf["spec"]["imagePullSecrets"].size() == 1);
    CHECK(str(wf["spec"]["imagePullSecrets"][0]["name"]) == "registry");
}

TEST_CASE("pod settings: Argo shares a template only between tasks with the same settings", "[pod][argo]") {
    Pipeline p("p");
    const Component c = step();  // one component: only the settings can tell templates apart
    p.add(c, "a").toleration({.key = "gpu", .op = "Exists"});
    p.add(c, "b").toleration({.key = "gpu", .op = "Exists"});
    p.add(c, "c").toleration({.key = "tpu", .op = "Exists"});
    p.add(c, "d").pvc_mount("cache", "/cache");
    p.add(c, "e").image_pull_secret("registry");
    p.add(c, "f").image_pull_secret("registry").image_pull_secret("other");
    const YAML::Node tasks = argo_wf(p)["spec"]["templates"][0]["dag"]["tasks"];
    auto tmpl = [&](const char* t) { return str(by_name(tasks, t)["template"]); };
    CHECK(tmpl("a") == tmpl("b"));
    CHECK(tmpl("a") != tmpl("c"));
    CHECK(tmpl("a") != tmpl("d"));
    // Pull secrets are workflow-wide, so they do not split templates; each is listed once.
    CHECK(tmpl("e") == tmpl("f"));
    const YAML::Node pull = argo_wf(p)["spec"]["imagePullSecrets"];
    REQUIRE(pull.size() == 2);
    CHECK(str(pull[0]["name"]) == "registry");
    CHECK(str(pull[1]["name"]) == "other");
}

TEST_CASE("pod settings: a task without them writes none", "[pod]") {
    Pipeline p("p");
    p.add(step(), "t");
    CHECK(kfp_docs(p).size() == 1);
    const YAML::Node wf = argo_wf(p);
    CHECK_FALSE(wf["spec"]["imagePullSecrets"]);
    const YAML::Node tmpl = by_name(wf["spec"]["templates"], "step");
    for (const char* key : {"volumes", "tolerations", "affinity", "metadata"}) CHECK_FALSE(tmpl[key]);
    CHECK_FALSE(tmpl["container"]["volumeMounts"]);
}

TEST_CASE("pod settings: a setter after check() leaves the checked graph as it was", "[pod]") {
    Pipeline p("p");
    Task t = p.add(step(), "t").pod_label("a", "1");
    const graph::Graph before = check(p);
    t.pod_label("b", "2");
    REQUIRE(before.tasks[0].pod);
    CHECK(before.tasks[0].pod->labels.size() == 1);
    CHECK(check(p).tasks[0].pod->labels.size() == 2);
}

TEST_CASE("pod settings: requests and limits set after check() leave the checked graph as it was", "[pod]") {
    Pipeline p("p");
    Task t = p.add(step(), "t").cpu_request("1");
    p.add(step(), "u");
    const graph::Graph before = check(p);
    t.memory_limit("2Gi").cpu_request("2");
    CHECK(before.tasks[0].requests_and_limits().cpu_request == "1");
    CHECK(before.tasks[0].requests_and_limits().memory_limit.empty());
    CHECK_FALSE(before.tasks[1].resources);  // a task that sets none holds none
    const graph::Graph after = check(p);
    CHECK(after.tasks[0].requests_and_limits().cpu_request == "2");
    CHECK(after.tasks[0].requests_and_limits().memory_limit == "2Gi");
    CHECK(after.tasks[1].requests_and_limits().cpu_request.empty());
}

TEST_CASE("pod settings: what Kubernetes would refuse is a compile error naming the task", "[pod][checks]") {
    struct Bad {
        const char* what;
        std::function<void(Task&)> set;
        const char* message;
    };
    const std::vector<Bad> cases = {
        {"secret name", [](Task& t) { t.secret_volume("DB_Creds", "/s"); },
         "secret name 'DB_Creds' is not a Kubernetes name"},
        {"relative mount path", [](Task& t) { t.secret_volume("db", "secrets"); }, "mount path 'secrets' is not absolute"},
        {"two mounts at one path", [](Task& t) { t.secret_volume("a", "/m").config_map_volume("b", "/m"); },
         "two volumes are mounted at '/m'"},
        {"config map env name", [](Task& t) { t.env_from_config_map("1X", "m", "k"); }, "env var name '1X' is not valid"},
        {"config map key", [](Task& t) { t.env_from_config_map("X", "m", ""); }, "config map key is empty"},
        {"pvc name", [](Task& t) { t.pvc_mount("-cache", "/c"); }, "PVC name '-cache' is not a Kubernetes name"},
        {"pvc sub-path", [](Task& t) { t.pvc_mount("cache", "/c", "../up"); },
         "PVC sub-path '../up' must be relative and stay inside the volume"},
        {"ephemeral volume name", [](Task& t) { t.ephemeral_volume("Scratch", "/s", "1Gi"); },
         "ephemeral volume name 'Scratch' is not a DNS-1123 label"},
        {"ephemeral volume size", [](Task& t) { t.ephemeral_volume("s", "/s", "lots"); },
         "ephemeral volume size 'lots' is not a positive quantity such as 100Gi"},
        {"ephemeral volume storage class", [](Task& t) { t.ephemeral_volume("s", "/s", "1Gi", "Fast SSD"); },
         "storage class name 'Fast SSD' is not a Kubernetes name"},
        {"toleration operator", [](Task& t) { t.toleration({.key = "k", .op = "Is"}); },
         "toleration operator 'Is' is not Equal or Exists"},
        {"toleration Exists with value", [](Task& t) { t.toleration({.key = "k", .op = "Exists", .value = "v"}); },
         "a toleration with operator Exists takes no value"},
        {"toleration Equal without key", [](Task& t) { t.toleration({.value = "v"}); },
         "a toleration without a key needs operator Exists"},
        {"toleration effect", [](Task& t) { t.toleration({.key = "k", .effect = "NoRun"}); },
         "toleration effect 'NoRun' is not NoSchedule, PreferNoSchedule or NoExecute"},
        {"toleration seconds", [](Task& t) { t.toleration({.key = "k", .effect = "NoSchedule", .seconds = 5}); },
         "toleration seconds apply only to the NoExecute effect"},
        {"affinity without requirements", [](Task& t) { t.node_affinity({}); },
         "a node affinity term needs at least one requirement"},
        {"affinity weight", [](Task& t) { t.node_affinity({{.key = "k", .op = "Exists"}}, 101); },
         "node affinity weight 101 is not between 1 and 100"},
        {"affinity operator", [](Task& t) { t.node_affinity({{.key = "k", .op = "Equals", .values = {"v"}}}); },
         "node affinity operator 'Equals' is not In, NotIn, Exists, DoesNotExist, Gt or Lt"},
        {"affinity In without values", [](Task& t) { t.node_affinity({{.key = "k", .op = "In"}}); },
         "node affinity operator In needs at least one value"},
        {"affinity Gt not a number", [](Task& t) { t.node_affinity({{.key = "k", .op = "Gt", .values = {"big"}}}); },
         "node affinity operator Gt takes exactly one integer value"},
        {"label key", [](Task& t) { t.pod_label("bad key", "v"); }, "pod label key 'bad key' is not a valid label key"},
        {"label value", [](Task& t) { t.pod_label("k", std::string(64, 'v')); }, "pod label value '"},
        {"annotation key", [](Task& t) { t.pod_annotation("/x", "v"); }, "pod annotation key '/x' is not a valid"},
        {"label set twice", [](Task& t) { t.pod_label("team", "a").pod_label("team", "b"); },
         "pod label 'team' is set twice"},
        {"annotation set twice", [](Task& t) { t.pod_annotation("k", "a").pod_annotation("k", "a"); },
         "pod annotation 'k' is set twice"},
        {"node selector set twice", [](Task& t) { t.node_selector("pool", "a").node_selector("pool", "b"); },
         "node selector 'pool' is set twice"},
        {"pull secret", [](Task& t) { t.image_pull_secret("Registry"); },
         "image pull secret name 'Registry' is not a Kubernetes name"},
    };
    for (const auto& c : cases) {
        DYNAMIC_SECTION(c.what) {
            Pipeline p("p");
            Task t = p.add(step(), "the-task");
            c.set(t);
            const auto err = check_error(p);
            REQUIRE(err);
            CHECK_THAT(err->what(), Contains(c.message));
            CHECK(err->where().pipeline == "p");
            CHECK(err->where().task == "the-task");
        }
    }
}

}  // namespace pod_settings_test

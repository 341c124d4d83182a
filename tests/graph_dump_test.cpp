// `Pipeline::dump` and `--dump`: the graph as the checks see it, one line per parameter, port,
// binding and pod setting, so a user can see what the emitters will write without reading YAML.
#include <chrono>
#include <sstream>

#include <catch2/catch.hpp>

#include "test_support.hpp"

namespace pipecc::test::graph_dump_test {
namespace {

std::string dump_of(const Pipeline& p) {
    std::ostringstream out;
    p.dump(out);
    return out.str();
}

}  // namespace

TEST_CASE("dump: a default stays on its parameter's line", "[dump]") {
    Pipeline p("p");
    p.param<Float>("learning_rate", 0.01);
    p.param<String>("note", std::string(200, 'x'));
    p.add(consumer()).arg("x", "y");
    const std::string d = dump_of(p);
    CHECK_THAT(d, Catch::Contains("  param learning_rate: Float = 0.01\n  param note: String = \"xxx"));
    // A long default is cut, so it cannot bury the graph.
    CHECK_THAT(d, Catch::Contains("xxx...\n  component"));
}

TEST_CASE("dump: a task's pod settings, retries and hooks", "[dump]") {
    Pipeline p("p");
    p.add(consumer(), "train")
        .arg("x", "y")
        .display_name("Train the model")
        .cpu_request("500m")
        .memory_limit("2Gi")
        .accelerator("nvidia.com/gpu", 2)
        .node_selector("cloud.google.com/gke-nodepool", "highmem")
        .env("MODE", "fast")
        .env_from_secret("TOKEN", "slack", "token")
        .secret_volume("gcp-key", "/var/secrets")
        .toleration({.key = "nvidia.com/gpu", .op = "Exists", .effect = "NoSchedule"})
        .pod_label("team", "ml")
        .image_pull_secret("registry")
        .retry(3, std::chrono::seconds(10))
        .timeout(std::chrono::seconds(600))
        .caching(false);
    p.on_exit(consumer(), "notify").arg("x", run::status());
    const std::string d = dump_of(p);
    for (const char* line : {"  task train = consumer \"Train the model\"\n",
                             "    resources cpu request 500m memory limit 2Gi nvidia.com/gpu x2\n",
                             "    node selector cloud.google.com/gke-nodepool=highmem\n", "    env MODE=fast\n",
                             "    env TOKEN <- secret slack/token\n", "    mount secret gcp-key at /var/secrets\n",
                             "    tolerate nvidia.com/gpu Exists NoSchedule\n", "    pod label team=ml\n",
                             "    image pull secret registry\n", "    retry 3 times, backoff 10 s x2 up to 3600 s\n",
                             "    timeout 600 s\n", "    cache off\n", "  task notify = consumer (on exit)\n"}) {
        CHECK_THAT(d, Catch::Contains(line));
    }
}

}  // namespace pipecc::test::graph_dump_test

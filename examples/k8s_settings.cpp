// k8s_settings: prepare data onto a shared volume, train on a tainted GPU node pool, evaluate.
//
// Teaches: every Kubernetes setting of a task's pod. The training step tolerates the GPU pool's
// taint and requires its nodes by affinity (a node selector alone cannot get past a taint). Its
// service-account key is mounted from a secret and its experiment tracker's API key comes from
// another as an env var; its settings come from a config map as env, and the evaluation's
// thresholds from one as files. None of them is baked into the image or the compiled pipeline.
// Both steps share an existing PVC as a data cache, training writes checkpoints to a volume made
// for its pod alone and is stopped after 12 hours, the pods carry labels and annotations for
// cost reports, and the images come from a private registry through an image pull secret. On KFP
// these go into the kfp-kubernetes platform spec (the IR's second document); on Argo into each
// task's pod.
#include <chrono>

#include <pipecc/pipecc.hpp>

using namespace pipecc;

namespace {
constexpr const char* kImage = "asia-docker.pkg.dev/my-gcp-project/ml/trainer:2024-06-01";
constexpr const char* kRegistrySecret = "artifact-registry-pull";
}  // namespace

Pipeline k8s_settings() {
    const auto prepare = Component("prepare-data")
                             .image(kImage)
                             .input<String>("source_table")
                             .output<String>("cache_dir")
                             .command({"python", "-m", "trainer.prepare"})
                             .args({"--table", input_value("source_table"), "--cache-root", "/cache",
                                    "--cache-dir-file", output_path("cache_dir")});
    const auto train = Component("train")
                           .image(kImage)
                           .input<String>("cache_dir")
                           .input<Int>("epochs", 10)
                           .output<Model>("model")
                           .command({"python", "-m", "trainer.train"})
                           .args({"--data", input_value("cache_dir"), "--epochs", input_value("epochs"),
                                  "--credentials", "/secrets/gcp/key.json", "--model", output_path("model")});
    const auto evaluate = Component("evaluate")
                              .image(kImage)
                              .input<Model>("model")
                              .output<Metrics>("metrics")
                              .command({"python", "-m", "trainer.evaluate"})
                              .args({"--model", input_path("model"), "--metrics", output_path("metrics")});

    Pipeline p("gpu-training");
    p.description("Train on the GPU node pool with a data cache on a shared volume");
    const auto table = p.param<String>("source_table", "my-gcp-project.ml.training_rows");

    Task data = p.add(prepare)
                    .arg("source_table", table)
                    .pvc_mount("training-cache", "/cache")
                    .pod_label("team", "recommendations")
                    .image_pull_secret(kRegistrySecret);
    Task model = p.add(train)
                     .arg("cache_dir", data.output<String>("cache_dir"))
                     .accelerator("nvidia.com/gpu", 1)
                     .memory_request("32Gi")
                     .toleration({.key = "nvidia.com/gpu", .op = "Exists", .effect = "NoSchedule"})
                     .node_affinity({{.key = "cloud.google.com/gke-nodepool", .op = "In", .values = {"gpu-pool"}}})
                     .secret_volume("trainer-gcp-sa", "/secrets/gcp")
                     .env_from_secret("WANDB_API_KEY", "wandb", "api-key")
                     .env_from_config_map("WANDB_PROJECT", "trainer-settings", "wandb_project")
                     .timeout(std::chrono::hours(12))
                     .pvc_mount("training-cache", "/cache")
                     .ephemeral_volume("checkpoints", "/checkpoints", "200Gi", "premium-rwo")
                     .pod_label("team", "recommendations")
                     .pod_annotation("cost-center", "ml-training")
                     .image_pull_secret(kRegistrySecret);
    p.add(evaluate)
        .arg("model", model.output<Model>("model"))
        .config_map_volume("evaluation-thresholds", "/etc/thresholds")
        .pod_label("team", "recommendations");
    return p;
}

PIPECC_MAIN(k8s_settings)

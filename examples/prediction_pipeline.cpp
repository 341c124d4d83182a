// prediction_pipeline: seed 001's production shape. Initialize, extract features from BigQuery,
// predict on a high-memory node pool, write the results back.
//
// Teaches: per-task settings. A node selector and a 60G memory request for the heavy step, a
// retry with backoff and a timeout for the flaky one, a secret read into an environment
// variable (it stays out of the image), caching turned off, display names, and images pinned by
// digest or tag, never :latest. And the run's date and hour in Tokyo, taken from the run's
// creation time when it runs (never the day this program compiled it), which replaces the
// seed's hand-written "initialize" component that shifted UTC to JST.
#include <chrono>

#include <pipecc/pipecc.hpp>

using namespace pipecc;

namespace {
// One shared image for every step, pinned by digest (seed 003's rule: never :latest).
constexpr const char* kImage =
    "asia-docker.pkg.dev/my-gcp-project/ml/prediction@sha256:"
    "9a4c1e0f2b3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7";
}  // namespace

Pipeline prediction_pipeline() {
    const auto initialize = Component("initialize")
                                .image(kImage)
                                .input<String>("hourly_output_dir")
                                .output<String>("output_dir")
                                .command({"python", "-m", "prediction.initialize"})
                                .args({"--hourly-output-dir", input_value("hourly_output_dir"),
                                       "--output-dir-file", output_path("output_dir")});
    const auto extract = Component("bigquery-extract")
                             .image(kImage)
                             .input<String>("project")
                             .input<String>("output_dir")
                             .output<Dataset>("features")
                             .command({"python", "-m", "prediction.extract"})
                             .args({"--project", input_value("project"), "--output-dir", input_value("output_dir"),
                                    "--features", output_path("features")});
    const auto predict = Component("predict")
                             .image(kImage)
                             .input<Dataset>("features")
                             .input<String>("model_uri")
                             .output<Dataset>("predictions")
                             .command({"python", "-m", "prediction.predict"})
                             .args({"--features", input_path("features"), "--model-uri", input_value("model_uri"),
                                    "--predictions", output_path("predictions")});
    const auto write = Component("write-results")
                           .image(kImage)
                           .input<Dataset>("predictions")
                           .input<String>("table")
                           .command({"python", "-m", "prediction.write"})
                           .args({"--predictions", input_path("predictions"), "--table", input_value("table")});

    Pipeline p("prediction-pipeline");
    p.description("Daily batch prediction: BigQuery features in, predictions back to BigQuery.");
    const auto gcs_output_dir = p.param<String>("gcs_output_dir", "gs://my-gcp-project/predictions");
    const auto created_jst = run::created_at().in_zone("Asia/Tokyo");
    const auto project = p.param<String>("project", "my-gcp-project");
    const auto model_uri = p.param<String>("model_uri", "gs://my-gcp-project/models/model.pkl");

    Task init = p.add(initialize)
                    .display_name("Initialize")
                    .arg("hourly_output_dir", concat(gcs_output_dir, "/", created_jst.format("%Y%m%d"), "/",
                                                     created_jst.format("%H")))
                    .caching(false);
    Task features = p.add(extract)
                        .display_name("Extract features")
                        .arg("project", project)
                        .arg("output_dir", init.output<String>("output_dir"))
                        .retry(3, std::chrono::seconds(30), 2.0, std::chrono::seconds(600))
                        .timeout(std::chrono::hours(1));
    Task predictions = p.add(predict)
                           .display_name("Predict")
                           .arg("features", features.output<Dataset>("features"))
                           .arg("model_uri", model_uri)
                           .node_selector("cloud.google.com/gke-nodepool", "high-memory-pool")
                           .memory_request("60G")
                           .cpu_request("4");
    p.add(write)
        .display_name("Write results")
        .arg("predictions", predictions.output<Dataset>("predictions"))
        .arg("table", concat(project, ".predictions.daily"))
        .env("LOG_LEVEL", "info")
        .env_from_secret("BQ_WRITER_KEY", "bigquery-writer", "key.json");
    return p;
}

PIPECC_MAIN(prediction_pipeline)

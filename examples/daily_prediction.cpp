// daily_prediction: seed 001's final pipeline, as it should have been.
//
// Teaches: run-time values. The run's date and hour in Asia/Tokyo are computed when the run is
// created, never when this program compiles it (kfp's datetime.today() trap), and no hand-made
// "initialize" component shifts UTC to JST. An exit handler posts the final status, the run's
// name and a link to the run to Slack, with the webhook read from a Kubernetes secret. The
// pipeline runs every day at 06:00 Tokyo time.
//
// Argo: the dates become expression templates evaluated by the controller, the exit handler
// spec.onExit, and the schedule a CronWorkflow. KFP IR: a small resolver step formats the dates,
// the body runs inside exit-handler-1, and the Slack task receives the normalised status.
#include <pipecc/pipecc.hpp>

using namespace pipecc;

namespace {
constexpr const char* kImage =
    "asia-docker.pkg.dev/my-gcp-project/ml/prediction@sha256:"
    "9a4c1e0f2b3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7";
constexpr const char* kCurl = "curlimages/curl:8.11.0";
}  // namespace

Pipeline daily_prediction() {
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
                             .input<String>("output_dir")
                             .command({"python", "-m", "prediction.predict"})
                             .args({"--features", input_path("features"), "--output-dir", input_value("output_dir")});
    const auto notify = Component("slack-notification")
                            .image(kCurl)
                            .input<String>("status")
                            .input<String>("run_name")
                            .input<String>("run_url")
                            .command({"sh", "-c",
                                      "curl -fsS -X POST -H 'Content-Type: application/json' "
                                      "-d \"{\\\"text\\\": \\\"daily-prediction $1: $0 ($2)\\\"}\" \"$SLACK_WEBHOOK_URL\"",
                                      input_value("status"), input_value("run_name"), input_value("run_url")});

    Pipeline p("daily-prediction");
    p.description("Daily batch prediction at 06:00 JST, with a Slack report of every run.");
    p.schedule("0 6 * * *", "Asia/Tokyo");
    const auto gcs_root = p.param<String>("gcs_output_dir", "gs://my-gcp-project/predictions");
    const auto project = p.param<String>("project", "my-gcp-project");
    const auto ui = p.param<String>("pipelines_url", "https://kfp.example.com");

    // The run's creation time, seen in Tokyo: "20201114" and "06" for a run created at
    // 2020-11-13T21:00:00Z.
    const auto created = run::created_at().in_zone("Asia/Tokyo");
    const auto hourly_dir = concat(gcs_root, "/", created.format("%Y%m%d"), "/", created.format("%H"));

    Task features = p.add(extract)
                        .display_name("Extract features")
                        .arg("project", project)
                        .arg("output_dir", hourly_dir);
    p.add(predict)
        .display_name("Predict")
        .arg("features", features.output<Dataset>("features"))
        .arg("output_dir", hourly_dir)
        .node_selector("cloud.google.com/gke-nodepool", "high-memory-pool")
        .memory_request("60G");

    p.on_exit(notify)
        .display_name("Slack notification")
        .arg("status", run::status())
        .arg("run_name", run::name())
        .arg("run_url", concat(ui, "/#/runs/details/", run::id()))
        .env_from_secret("SLACK_WEBHOOK_URL", "slack-webhook", "url");
    return p;
}

PIPECC_MAIN(daily_prediction)

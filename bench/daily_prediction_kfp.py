"""examples/daily_prediction.cpp written with the kfp SDK, for the cold-compile figure of
bench/edit_loop.sh: the same three container components, parameters and exit handler. (kfp has
no run-time Tokyo date, so the output path uses the job name instead; the Slack secret needs the
separate kfp-kubernetes package and is left out.)

Usage: python3 bench/daily_prediction_kfp.py OUT.yaml
"""
import sys

from kfp import compiler, dsl

IMAGE = ("asia-docker.pkg.dev/my-gcp-project/ml/prediction@sha256:"
         "9a4c1e0f2b3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7")
CURL = "curlimages/curl:8.11.0"


@dsl.container_component
def bigquery_extract(project: str, output_dir: str, features: dsl.Output[dsl.Dataset]):
    return dsl.ContainerSpec(image=IMAGE, command=["python", "-m", "prediction.extract"],
                             args=["--project", project, "--output-dir", output_dir,
                                   "--features", features.path])


@dsl.container_component
def predict(features: dsl.Input[dsl.Dataset], output_dir: str):
    return dsl.ContainerSpec(image=IMAGE, command=["python", "-m", "prediction.predict"],
                             args=["--features", features.path, "--output-dir", output_dir])


@dsl.container_component
def slack_notification(run_name: str, run_url: str):
    return dsl.ContainerSpec(image=CURL, command=["sh", "-c", 'curl -fsS -X POST -d "$0 $1" "$SLACK_WEBHOOK_URL"',
                                                  run_name, run_url])


@dsl.pipeline(name="daily-prediction",
              description="Daily batch prediction at 06:00 JST, with a Slack report of every run.")
def daily_prediction(gcs_output_dir: str = "gs://my-gcp-project/predictions",
                     project: str = "my-gcp-project",
                     pipelines_url: str = "https://kfp.example.com"):
    notify = slack_notification(run_name=dsl.PIPELINE_JOB_NAME_PLACEHOLDER, run_url=pipelines_url)
    notify.set_display_name("Slack notification")
    with dsl.ExitHandler(notify):
        features = bigquery_extract(project=project, output_dir=gcs_output_dir)
        features.set_display_name("Extract features")
        prediction = predict(features=features.outputs["features"], output_dir=gcs_output_dir)
        prediction.set_display_name("Predict").set_memory_request("60G")


if __name__ == "__main__":
    compiler.Compiler().compile(daily_prediction, sys.argv[1])

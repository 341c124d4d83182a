// notify_on_failure: Airflow-style callbacks. One task runs only when the whole run succeeded,
// another only when it did not.
//
// Teaches: on_success() and on_failure(). They run after every other task, like an exit
// handler, and read run::status(): "Succeeded", "Failed" or "Error" on every engine, and
// "Cancelled" on KFP and Vertex (Argo reports a stopped run as "Failed"). Argo: `when` conditions on {{workflow.status}} in the exit handler. KFP IR: exit
// tasks whose trigger condition tests the normalised final status.
#include <pipecc/pipecc.hpp>

using namespace pipecc;

Pipeline notify_on_failure() {
    const auto train = Component("train")
                           .image("python:3.12-slim")
                           .input<Int>("epochs", 10)
                           .command({"python", "-c", "import sys; print('training for', sys.argv[1], 'epochs')",
                                     input_value("epochs")});
    const auto page = Component("page-on-call")
                          .image("curlimages/curl:8.11.0")
                          .input<String>("status")
                          .input<String>("run_name")
                          .command({"sh", "-c", "curl -fsS -d \"run $1 ended: $0\" \"$PAGER_URL\"",
                                    input_value("status"), input_value("run_name")});
    const auto publish = Component("publish-model")
                             .image("google/cloud-sdk:502.0.0-slim")
                             .input<String>("run_id")
                             .command({"sh", "-c", "gsutil cp gs://my-bucket/staging/$0/model.pkl gs://my-bucket/serving/",
                                       input_value("run_id")});

    Pipeline p("notify-on-failure");
    p.add(train).arg("epochs", p.param<Int>("epochs", 20));
    p.on_failure(page)
        .arg("status", run::status())
        .arg("run_name", run::name())
        .env_from_secret("PAGER_URL", "pager", "url");
    p.on_success(publish).arg("run_id", run::id());
    return p;
}

PIPECC_MAIN(notify_on_failure)

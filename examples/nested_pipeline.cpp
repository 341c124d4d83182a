// nested_pipeline: one feature-preparation pipeline, written once and run as a single step of a
// daily training pipeline, once per region.
//
// Teaches: a Pipeline used as a task with p.add(sub): the sub-pipeline's parameters are the
// task's inputs, and what it returns with output() are the task's outputs, artifacts included.
// The day is formatted from the run's creation time in Asia/Tokyo by the outer pipeline and
// passed in, so the sub-pipeline stays a plain, reusable unit. KFP IR: a graph component
// (`comp-prepare-features`) with its own DAG and dag.outputs; Argo: a DAG template with inputs
// and outputs, run by a task of the loop.
#include <pipecc/pipecc.hpp>

using namespace pipecc;

// Extracts one region's rows for a day and checks them: the steps every model here starts from.
Pipeline prepare_features() {
    const auto extract = Component("extract")
                             .image("gcr.io/my-project/bq-tools@sha256:5b0e1c4d2f8a9e7b6c3d1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c")
                             .input<String>("day")
                             .input<String>("region")
                             .output<String>("table")
                             .output<Int>("rows")
                             .command({"bq-extract", "--day", input_value("day"), "--region", input_value("region"),
                                       "--table-out", output_path("table"), "--rows-out", output_path("rows")});
    const auto validate = Component("validate")
                              .image("gcr.io/my-project/bq-tools@sha256:5b0e1c4d2f8a9e7b6c3d1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c")
                              .input<String>("table")
                              .output<Dataset>("features")
                              .command({"validate-table", input_value("table"), output_path("features")});

    Pipeline sub("prepare-features");
    auto day = sub.param<String>("day");
    auto region = sub.param<String>("region");
    auto rows = sub.add(extract).arg("day", day).arg("region", region).memory_request("4Gi");
    auto checked = sub.add(validate).arg("table", rows.output<String>("table"));
    sub.output("features", checked.output<Dataset>("features")).output("rows", rows.output<Int>("rows"));
    return sub;
}

Pipeline nested_pipeline() {
    const auto train = Component("train")
                           .image("gcr.io/my-project/trainer@sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0")
                           .input<Dataset>("features")
                           .input<Int>("rows")
                           .output<Model>("model")
                           .command({"train", "--features", input_path("features"), "--rows", input_value("rows"),
                                     "--model", output_path("model")});

    Pipeline p("daily-training");
    const Pipeline prepare = prepare_features();
    auto day = run::created_at().in_zone("Asia/Tokyo").format("%Y%m%d");
    auto regions = p.param<List>("regions", Json::array({"kanto", "kansai"}));
    p.parallel_for<String>(regions, [&](const Value<String>& region) {
        auto features = p.add(prepare).arg("day", day).arg("region", region);
        p.add(train)
            .arg("features", features.output<Dataset>("features"))
            .arg("rows", features.output<Int>("rows"))
            .memory_request("16Gi");
    });
    return p;
}

PIPECC_MAIN(nested_pipeline)

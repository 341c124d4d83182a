// components_from_yaml: seed 003's layout, one YAML file per component and one shared image.
//
// Teaches: reusing existing component files. load_component() reads KFP v1 component.yaml (and
// KFP v2 component YAML) into a Component used exactly like one declared in C++: its ports are
// typed (Dataset, Model, Integer -> Int, JsonArray -> List, ...), p.add(c).arg(...) is checked
// against them, and a typo in a file is an error naming file:line:col. Optional inputs used in
// `if: {cond: {isPresent: ...}}` are bound or left out per task: KFP expands them at run time,
// Argo when compiling.
//
// The files are examples/components/{get_data,preprocess,train}.yaml; this program finds them
// through PIPECC_EXAMPLES_DIR, which examples/CMakeLists.txt sets to the source folder. The other
// way round, pipecc::export_component(c) writes any component as a file for the kfp SDK, and
// `pipecc component convert train.yaml -o train.kfp.yaml` does so from the command line.
#include <pipecc/dsl/load_component.hpp>
#include <pipecc/pipecc.hpp>

#ifndef PIPECC_EXAMPLES_DIR
#define PIPECC_EXAMPLES_DIR "examples"
#endif

using namespace pipecc;

Pipeline recommender_training() {
    const std::string dir = std::string(PIPECC_EXAMPLES_DIR) + "/components/";
    const Component get_data = load_component(dir + "get_data.yaml");
    const Component preprocess = load_component(dir + "preprocess.yaml");
    const Component train = load_component(dir + "train.yaml");

    Pipeline p("recommender-training");
    p.description("Retrains the recommender on yesterday's interactions.");
    const auto project = p.param<String>("project_id", "acme-ml");
    // The day the run was created in Tokyo, resolved when the run starts.
    const auto day = run::created_at().in_zone("Asia/Tokyo").format("%Y%m%d");

    Task data = p.add(get_data).arg("project_id", project).arg("target_date", day);  // row_limit left out
    Task prep = p.add(preprocess)
                    .arg("interactions", data.output<Dataset>("interactions"))
                    .arg("min_interactions", 3);
    p.add(train)
        .arg("train_set", prep.output<Dataset>("train_set"))
        .arg("epochs", 20)
        .memory_request("16Gi")
        .cpu_request("4");
    return p;
}

PIPECC_MAIN(recommender_training)

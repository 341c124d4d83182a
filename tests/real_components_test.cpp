// Every real component file of kubeflow/pipelines 1.8.22 in ../shared/reference/components-v1 is
// loaded, exported as KFP v2 component YAML, and compiled in a one-task pipeline to both targets,
// twice: binding only the required inputs, and binding every input. The outputs go to
// PIPECC_REAL_COMPONENTS_OUT, where the validate_real_components_* tests run the engines'
// validators over them. The files pipecc refuses are listed below, each with the reason.
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "pipecc/dsl/export_component.hpp"
#include "pipecc/dsl/load_component.hpp"
#include "pipecc/graph/passes.hpp"
#include "one_task_pipeline.hpp"
#include "test_support.hpp"

namespace real_components_test {

namespace fs = std::filesystem;
using namespace pipecc;
using Catch::Contains;

namespace {

#ifdef PIPECC_REAL_COMPONENTS_OUT
const fs::path kOutDir = PIPECC_REAL_COMPONENTS_OUT;
#else
const fs::path kOutDir = fs::temp_directory_path() / "pipecc-real-components";
#endif

// The files pipecc refuses, with a phrase of the error. "kfp too" marks those the kfp SDK (2.x)
// refuses as well; the others it loads, and pipecc refuses them for the reason given.
const std::map<std::string, std::string> kRefused = {
    // Graph components (kfp too: "Container implementation not found").
    {"components__XGBoost__Train_and_cross-validate_regression__from_CSV__component.yaml", "graph components"},
    {"components__contrib__XGBoost__Cross_validation_for_regression__from_CSV__component.yaml", "graph components"},
    {"components__contrib__XGBoost__Train_regression_and_calculate_metrics__from_CSV__component.yaml",
     "graph components"},
    {"sdk__python__kfp__components_tests__test_data__retail_product_stockout_prediction_pipeline.component.yaml",
     "graph components"},
    // fileOutputs: kfp ignores it, so the outputs would never be collected.
    {"components__aws__athena__query__component.yaml", "fileOutputs"},
    {"components__aws__emr__submit_pyspark_job__component.yaml", "fileOutputs"},
    {"components__deprecated__dataflow__tfdv__component.yaml", "fileOutputs"},
    {"samples__contrib__versioned-pipeline-ci-samples__kaggle-ci-sample__train_model__component.yaml", "fileOutputs"},
    {"samples__contrib__versioned-pipeline-ci-samples__mnist-ci-sample__tensorboard__component.yaml", "fileOutputs"},
    // A JsonObject input read as a file (kfp too, at compile time).
    {"components__contrib__kubernetes__Apply_object__component.yaml", "{inputPath} asks for it as a file"},
    {"components__kubernetes__Create_object__component.yaml", "{inputPath} asks for it as a file"},
    // A JsonArray input whose default is '{}'.
    {"components__aws__sagemaker__create_simulation_app__component.yaml", "must be a JSON array"},
    // image: '' (filled in by a build step elsewhere): no engine can run it.
    {"components__azure__azuredevops__queue-pipeline__component.yaml", "image is empty"},
    {"components__azure__azuresynapse__runsparkjob__component.yaml", "image is empty"},
    // env KFP_POD_NAME: '{{pod.name}}', an Argo variable that KFP v2 passes on literally.
    {"components__contrib__google-cloud__dataproc__submit_hadoop_job__component.yaml", "literal text contains '{{'"},
    {"components__contrib__google-cloud__dataproc__submit_pyspark_job__component.yaml", "literal text contains '{{'"},
    {"components__contrib__google-cloud__ml_engine__batch_predict__component.yaml", "literal text contains '{{'"},
    {"components__gcp__bigquery__query__to_table__component.yaml", "literal text contains '{{'"},
    {"components__gcp__dataflow__launch_template__component.yaml", "literal text contains '{{'"},
    {"components__gcp__dataproc__submit_hadoop_job__component.yaml", "literal text contains '{{'"},
    {"components__gcp__dataproc__submit_pyspark_job__component.yaml", "literal text contains '{{'"},
    {"components__gcp__ml_engine__batch_predict__component.yaml", "literal text contains '{{'"},
    // google.VertexModel artifacts (and {{$.inputs.artifacts[...].metadata[...]}} in literal text).
    {"components__google-cloud__google_cloud_pipeline_components__aiplatform__endpoint__deploy_model__component.yaml",
     "google.VertexModel"},
    // {outputUri: ...}: pipecc passes artifacts as local files only.
    {"sdk__python__kfp__v2__compiler_cli_tests__test_data__component_yaml__ingestion_component.yaml",
     "{outputUri: ...} is not supported"},
};

std::string file_stem(const std::string& file) {
    std::string s = file.substr(0, file.size() - 5);  // .yaml
    for (auto& c : s) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '_';
    }
    return s;
}

}  // namespace

TEST_CASE("every real KFP component file loads and compiles to both targets, or is refused as listed",
          "[components][real]") {
    const fs::path dir = fs::path(PIPECC_SOURCE_DIR) / "../shared/reference/components-v1";
    if (!fs::is_directory(dir)) {
        WARN("skipped: ../shared not found");
        return;
    }
    std::set<std::string> files;
    for (const auto& e : fs::directory_iterator(dir)) {
        if (e.path().extension() == ".yaml") files.insert(e.path().filename().string());
    }
    REQUIRE(files.size() > 100);
    for (const auto& [file, why] : kRefused) {
        INFO(file);
        CHECK(files.count(file) == 1);
    }
    fs::create_directories(kOutDir);
    int compiled = 0, refused = 0;
    for (const auto& file : files) {
        INFO(file);
        const std::string path = (dir / file).string();
        std::optional<Component> c;
        const auto err = test::error_of([&] { c = load_component(path); });
        if (auto it = kRefused.find(file); it != kRefused.end()) {
            if (!err) {
                FAIL_CHECK("listed as refused, but it loads: update kRefused");
                continue;
            }
            INFO(err->what());
            CHECK_THAT(err->message(), Contains(it->second));
            CHECK(err->where().file == path);
            CHECK(err->where().line > 0);
            CHECK(err->where().column > 0);
            ++refused;
            continue;
        }
        if (err) {
            FAIL_CHECK("refused, but not listed as refused: " << err->what());
            continue;
        }
        // The component as KFP v2 component YAML too (validated with the rest), which reads back
        // as the same component.
        std::string exported;
        const auto export_err = test::error_of([&] { exported = export_component(*c); });
        if (export_err) {
            FAIL_CHECK("does not export: " << export_err->what());
            continue;
        }
        write_file_atomic((kOutDir / (file_stem(file) + "-exported.kfp.yaml")).string(), exported);
        CHECK(export_component(load_component_text(exported, "exported.yaml")) == exported);
        for (const bool all : {false, true}) {
            const Pipeline p = test::one_task_pipeline(*c, "real-component", all);
            const std::string base = (kOutDir / (file_stem(file) + (all ? "-all" : "-required"))).string();
            std::string kfp, argo;
            const auto compile_err = test::error_of([&] {
                kfp = compile(p, {.engine = Engine::kfp()});
                argo = compile(p, {.engine = Engine::argo()});
            });
            if (compile_err) {
                FAIL_CHECK("does not compile (" << (all ? "all inputs" : "required inputs") << "): " << compile_err->what());
                continue;
            }
            write_file_atomic(base + ".kfp.yaml", kfp);
            write_file_atomic(base + ".argo.yaml", argo);
        }
        ++compiled;
    }
    CHECK(refused == static_cast<int>(kRefused.size()));
    CHECK(compiled + refused == static_cast<int>(files.size()));
    WARN("real components: " << compiled << " compiled, " << refused << " refused as listed");
}

}  // namespace real_components_test

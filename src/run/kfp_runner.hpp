#pragma once
/// The scheduler of a local KFP run: it walks the DAG tree (kfp_graph.hpp), resolves each task's
/// inputs as KFP 2.17's driver does, and starts containers through the chosen runtime.

#include <chrono>
#include <iosfwd>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "run/kfp_graph.hpp"
#include "run/run.hpp"

namespace pipecc::run {

/// One run of one pipeline spec.
///
/// @code
/// KfpRunner r(spec, platform, options, info, std::cout); const bool ok = r.run(); r.record();
/// @endcode
class KfpRunner {
public:
    KfpRunner(const nlohmann::json& spec, const nlohmann::json& platform, const RunOptions& options, RunInfo info,
              std::ostream& out);
    /// Runs to the end; false when the run failed or was interrupted.
    bool run(const Values& root_inputs);
    /// The JSON record of the run so far.
    nlohmann::json record() const;
    /// The table printed at the end.
    std::string summary() const;

private:
    void stop(const Node& node);
    void start_dag(Dag& dag);
    bool advance(Dag& dag);
    static std::vector<std::string> upstream_of(const Node& node);
    bool try_start(Node& node);
    void resolve_inputs(Node& node);
    void start_loop(Node& node);
    bool start_iterations(Node& node);
    void start_container(Node& node);
    void start_importer(Node& node);
    bool launch_ready();
    void launch(Node& node);
    static bool is_resolver_step(const nlohmann::json& container);
    void resolve_on_host(Node& node, const nlohmann::json& container);
    void on_exit(Node& node, int exit_code);
    void collect_outputs(Node& node);
    void finish(Node& node, State state, const std::string& reason = {});
    void check_dag(Dag& dag);
    Values dag_outputs(const Dag& dag) const;
    void progress(const Node& node, const std::string& what);
    std::string status_line() const;
    void redraw_status();
    double seconds() const;
    std::vector<const Node*> in_start_order() const;
    const nlohmann::json& component(const std::string& name, const Node& node) const;

    const nlohmann::json& spec_;
    const nlohmann::json& platform_;
    const RunOptions& options_;
    RunInfo info_;
    std::ostream& out_;
    std::unique_ptr<Dag> root_;
    std::vector<Node*> ready_{};
    std::vector<Node*> running_{};
    std::vector<Node*> all_{};
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
    int executions_ = 0;
    bool interrupted_ = false;
    std::string runtime_;
};

}  // namespace pipecc::run

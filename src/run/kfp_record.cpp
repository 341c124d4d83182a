// The run's record (`--record FILE`) and the table printed at its end.
#include <algorithm>
#include <iomanip>
#include <sstream>

#include <sys/resource.h>

#include "run/json_access.hpp"
#include "run/kfp_runner.hpp"

namespace pipecc::run {

using nlohmann::json;

namespace {

// This process's own CPU time (its children's, the containers', not counted).
double own_cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

json artifacts_json(const std::map<std::string, std::vector<Artifact>>& artifacts) {
    json out = json::object();
    for (const auto& [name, list] : artifacts) {
        json items = json::array();
        for (const auto& a : list) items.push_back(artifact_to_json(a));
        out[name] = items;
    }
    return out;
}

std::string display_name(const Node& n) {
    return n.task->contains("taskInfo") ? text_or(n.task->at("taskInfo"), "name", n.key) : n.key;
}

}  // namespace

json KfpRunner::record() const {
    json tasks = json::array();
    for (const Node* n : in_start_order()) {
        json attempts = json::array();
        for (const auto& a : n->attempts)
            attempts.push_back({{"attempt", a.number},
                                {"started", a.started},
                                {"ended", a.ended},
                                {"exit_code", a.exit_code},
                                {"image", a.image},
                                {"command", a.command},
                                {"env", a.env},
                                {"log", a.log}});
        json t = {{"task", n->path},
                  {"name", display_name(*n)},
                  {"state", state_name(n->state)},
                  {"inputs", {{"parameters", n->inputs.params}, {"artifacts", artifacts_json(n->inputs.artifacts)}}},
                  {"outputs", {{"parameters", n->outputs.params}, {"artifacts", artifacts_json(n->outputs.artifacts)}}},
                  {"attempts", attempts}};
        if (!n->reason.empty()) t["reason"] = n->reason;
        tasks.push_back(std::move(t));
    }
    const bool ok = root_ && root_->finished && !root_->failed;
    return {{"pipeline", info_.pipeline_name},
            {"run",
             {{"name", info_.run_name},
              {"id", info_.run_id},
              {"created_at", info_.created_at},
              {"scheduled_at", info_.scheduled_at},
              {"pipeline_root", info_.pipeline_root},
              {"root", options_.root},
              {"runtime", runtime_},
              {"runner_cpu_seconds", own_cpu_seconds()},
              {"state", interrupted_ ? "Interrupted" : ok ? "Succeeded" : "Failed"}}},
            {"tasks", tasks}};
}

// The tasks in the order they started (those never started last, in the file's order).
std::vector<const Node*> KfpRunner::in_start_order() const {
    std::vector<const Node*> nodes(all_.begin(), all_.end());
    std::stable_sort(nodes.begin(), nodes.end(), [](const Node* a, const Node* b) {
        return (a->began < 0 ? 1e300 : a->began) < (b->began < 0 ? 1e300 : b->began);
    });
    return nodes;
}

std::string KfpRunner::summary() const {
    const auto nodes = in_start_order();
    std::size_t width = 4;
    for (const Node* n : nodes) width = std::max(width, n->path.size());
    std::ostringstream s;
    s << '\n' << std::left << std::setw(int(width) + 2) << "TASK" << std::setw(11) << "STATE" << std::setw(10)
      << "ATTEMPTS" << "SECONDS\n";
    for (const Node* n : nodes) {
        double secs = 0;
        for (const auto& a : n->attempts) secs += a.ended - a.started;
        s << std::left << std::setw(int(width) + 2) << n->path << std::setw(11) << state_name(n->state) << std::setw(10)
          << n->attempts.size() << std::fixed << std::setprecision(2) << secs << '\n';
    }
    const json r = record();
    s << "\nrun " << info_.run_name << ": " << r["run"]["state"].get<std::string>() << '\n';
    return s.str();
}

}  // namespace pipecc::run

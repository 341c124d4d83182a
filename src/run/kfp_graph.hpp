#pragma once
/// The state of one local run of a KFP v2 pipeline: a tree of DAG executions (the root, nested
/// pipelines, groups, loop iterations) whose nodes are the IR's tasks, advanced as KFP's driver
/// would: dependencies, trigger policies and conditions, loops, DAG outputs.

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <sys/types.h>

#include "run/kfp_values.hpp"

namespace pipecc::run {

enum class State { pending, queued, running, succeeded, cached, failed, skipped };

/// "Pending", "Succeeded", …: as the record and the progress lines spell a state.
const char* state_name(State s);

struct Dag;

/// One try of a container task.
struct Attempt {
    int number = 1;
    double started = 0, ended = 0;  ///< seconds since the run started
    int exit_code = -1;
    std::string image;
    std::vector<std::string> command;  ///< the resolved command and args
    std::vector<std::string> env;      ///< NAME=VALUE, secrets shown as <secret NAME/KEY>
    std::string log;
};

/// A task of a DAG execution.
struct Node {
    std::string key;   ///< the task's key in its DAG
    int id = 0;        ///< its execution's number in the run: {{$.pipeline_task_uuid}}
    std::string path;  ///< unique in the run: "exit-handler-1/predict", "for-loop-2[1]/train"
    const nlohmann::json* task = nullptr;
    const nlohmann::json* component = nullptr;
    Dag* parent = nullptr;
    State state = State::pending;
    std::string reason{};      ///< why it failed or was skipped; which run it was cached from
    double began = -1;         ///< seconds since the run started when it left Pending
    std::string kfp_state{};   ///< COMPLETE, FAILED, CANCELED: its execution's state in KFP's terms
    Values inputs{}, outputs{};
    std::vector<std::unique_ptr<Dag>> children{};  ///< a nested DAG, or a loop's iterations
    nlohmann::json items{};                       ///< a loop's items
    std::size_t next_item = 0;
    std::vector<Attempt> attempts{};
    int max_attempts = 1;
    std::chrono::steady_clock::time_point not_before{};  ///< a retry's backoff
    pid_t pid = -1;
    std::string dir{};          ///< host folder of this execution's files
    std::string output_file{};  ///< host path of its executor output file
    std::string container{};    ///< the running attempt's container name (none on the host)
    int timeout_seconds = 0;    ///< activeDeadlineSeconds of each attempt; 0 for none
    std::optional<std::chrono::steady_clock::time_point> deadline{};
    bool timed_out = false;     ///< the running attempt was stopped at its deadline
    nlohmann::json cache_fields{};     ///< its cache key (cache.hpp), when its task caches
    std::string cache_fingerprint{};
};

/// One execution of a DAG component.
struct Dag {
    Node* owner = nullptr;  ///< null for the root
    const nlohmann::json* component = nullptr;
    std::string path{};     ///< prefix of its nodes' paths
    std::optional<std::size_t> iteration{};
    Values inputs{};
    std::vector<std::unique_ptr<Node>> nodes{};
    std::map<std::string, Node*> by_key{};
    bool finished = false;
    bool failed = false;
};

}  // namespace pipecc::run

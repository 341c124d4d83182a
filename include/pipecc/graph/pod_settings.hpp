#pragma once
/// A task's Kubernetes pod settings beyond resources: volumes, config maps, tolerations, node
/// affinity, pod metadata and image pull secrets. KFP writes them as kfp-kubernetes does (the IR's
/// second document); Argo writes them into the task's template and pod.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace pipecc::graph {

/// A Kubernetes secret mounted as files, one per key.
struct SecretVolume {
    std::string secret_name{};
    std::string mount_path{};
    bool optional = false;
};

/// An environment variable from a key of a config map.
struct ConfigMapEnv {
    std::string env_var{};
    std::string config_map{};
    std::string key{};
    bool optional = false;
};

/// A config map mounted as files, one per key.
struct ConfigMapVolume {
    std::string config_map{};
    std::string mount_path{};
    bool optional = false;
};

/// An existing PersistentVolumeClaim mounted at a path.
struct PvcMount {
    std::string pvc_name{};
    std::string mount_path{};
    std::string sub_path{};  ///< empty: the volume's root
};

/// A volume made for the pod and deleted with it, from a PersistentVolumeClaim template (a
/// Kubernetes "generic ephemeral volume"): scratch space larger than a node's disk allows.
struct EphemeralVolume {
    std::string name{};
    std::string mount_path{};
    std::string size{};                                   ///< a quantity, e.g. "100Gi"
    std::string storage_class{};                          ///< empty: the cluster's default class
    std::vector<std::string> access_modes{"ReadWriteOnce"};
};

/// A toleration of node taints, as in a pod spec.
///
/// @code
/// task.toleration({.key = "nvidia.com/gpu", .op = "Exists", .effect = "NoSchedule"});
/// @endcode
struct Toleration {
    std::string key{};
    std::string op = "Equal";  ///< Equal or Exists
    std::string value{};       ///< empty with Exists
    std::string effect{};      ///< NoSchedule, PreferNoSchedule, NoExecute, or empty for all
    std::int64_t seconds = -1;  ///< how long a NoExecute taint is tolerated; -1: for ever
};

/// One node label requirement of a node affinity term.
struct NodeRequirement {
    std::string key{};
    std::string op{};  ///< In, NotIn, Exists, DoesNotExist, Gt or Lt
    std::vector<std::string> values{};
};

/// A node affinity term: required when `weight` is 0, else preferred with that weight (1-100).
struct NodeAffinity {
    std::vector<NodeRequirement> match{};
    std::int32_t weight = 0;
};

/// Everything above for one task; a task without any holds none (see graph::Task::pod).
struct PodSettings {
    std::vector<SecretVolume> secret_volumes{};
    std::vector<ConfigMapEnv> config_map_env{};
    std::vector<ConfigMapVolume> config_map_volumes{};
    std::vector<PvcMount> pvc_mounts{};
    std::vector<EphemeralVolume> ephemeral_volumes{};
    std::vector<Toleration> tolerations{};
    std::vector<NodeAffinity> node_affinity{};
    std::vector<std::pair<std::string, std::string>> labels{};
    std::vector<std::pair<std::string, std::string>> annotations{};
    std::vector<std::string> image_pull_secrets{};
};

}  // namespace pipecc::graph

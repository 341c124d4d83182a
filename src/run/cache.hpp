#pragma once
/// The local run's task cache, keyed as KFP 2.17 keys its own (backend/src/v2/driver/cache.go
/// getFingerPrint, cacheutils/cache.go GenerateCacheKey): the input parameter values, the input
/// artifacts (by name: here their URIs), the output artifacts' names, types and metadata, the
/// output parameters' types, and the container's image and unresolved command and args, all in
/// the scope of one pipeline name. Entries live in files under a cache folder.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "run/kfp_graph.hpp"

namespace pipecc::run {

/// The cache key of a container task about to run: its fields as JSON, and their fingerprint.
struct CacheKey {
    nlohmann::json fields;
    std::string fingerprint;  ///< 16 hex digits of FNV-1a over the fields' canonical JSON
};

/// The key of `node`, a container task with its inputs resolved, whose executor is `container`
/// and whose planned outputs are `outputs`.
///
/// @code
/// const CacheKey key = cache_key(node, container, ex.outputs);
/// @endcode
CacheKey cache_key(const Node& node, const nlohmann::json& container, const Values& outputs);

/// A task's outputs from an earlier run, with where that run kept its files.
struct CacheHit {
    Values outputs;
    std::string root;      ///< the earlier run's local root
    std::string run_name;
};

/// The entry for `key` in `dir`/`pipeline`, if there is one whose artifact files still exist.
///
/// @code
/// if (auto hit = cache_lookup(dir, "daily", key)) node.outputs = hit->outputs;
/// @endcode
std::optional<CacheHit> cache_lookup(const std::string& dir, const std::string& pipeline, const CacheKey& key);

/// Records a task's outputs under `key`, written atomically.
///
/// @code
/// cache_store(dir, "daily", key, {node.outputs, options.root, info.run_name});
/// @endcode
void cache_store(const std::string& dir, const std::string& pipeline, const CacheKey& key, const CacheHit& entry);

/// Copies a hit's artifact files from the earlier run's root into `root`, at the same paths
/// under it, so that the tasks of this run find them where their URIs say.
///
/// @code
/// copy_cached_artifacts(*hit, options.root);
/// @endcode
void copy_cached_artifacts(const CacheHit& hit, const std::string& root);

}  // namespace pipecc::run

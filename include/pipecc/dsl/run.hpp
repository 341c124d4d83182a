#pragma once
/// Values that exist only when a run happens. The compiler lowers each into what the target
/// engine resolves at run time; nothing here is evaluated while the pipeline is compiled.

#include "pipecc/dsl/value.hpp"

namespace pipecc::run {

/// When the run was created.
///
/// @code
/// p.add(thanks).arg("day", run::created_at().in_zone("Asia/Tokyo").format("%Y%m%d"));
/// @endcode
Value<Timestamp> created_at();

/// When the run was scheduled to start (for a scheduled run), or its creation time for a run
/// started by hand, as KFP does.
///
/// @code
/// Value<String> day = run::scheduled_at().in_zone("Asia/Tokyo").format("%Y%m%d");
/// @endcode
Value<Timestamp> scheduled_at();

/// The run's name.
///
/// @code
/// Value<String> msg = concat("run ", run::name(), " finished");
/// @endcode
Value<String> name();

/// The run's unique id.
///
/// @code
/// Value<String> link = concat("https://kfp.example.com/#/runs/details/", run::id());
/// @endcode
Value<String> id();

/// The name of the task that receives this value.
///
/// @code
/// p.add(log_step).arg("task", run::task_name());
/// @endcode
Value<String> task_name();

/// The run's final status, normalised to "Succeeded", "Failed" or "Error" on every engine, and
/// "Cancelled" on KFP and Vertex (Argo reports a stopped run as "Failed" and runs no exit
/// handler for a terminated one). Only hook tasks (`on_exit`, `on_success`, `on_failure`) can read it.
///
/// @code
/// p.on_exit(notify).arg("status", run::status());
/// @endcode
Value<String> status();

/// A JSON list of the steps that failed (Argo's `workflow.failures`: `displayName`, `message`,
/// `templateName`, `phase`, `podName`, `finishedAt`), `[]` if none. Argo target, hook tasks only.
/// On `kfp@1.8`, whose Argo has no expression templates, it arrives as Argo holds it: a JSON
/// string whose text is the list (`"null"` if none), to be decoded twice.
///
/// @code
/// p.on_failure(report).arg("failures", run::failures());
/// @endcode
Value<String> failures();

}  // namespace pipecc::run

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

}  // namespace pipecc::run

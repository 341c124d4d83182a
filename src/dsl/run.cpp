#include "pipecc/dsl/run.hpp"

namespace pipecc::run {
namespace {
template <TypeTag T>
Value<T> field(graph::RunField f) {
    return Value<T>(graph::make_expr(T::type, graph::node::Run{f}));
}
}  // namespace

Value<Timestamp> created_at() { return field<Timestamp>(graph::RunField::CreatedAt); }
Value<Timestamp> scheduled_at() { return field<Timestamp>(graph::RunField::ScheduledAt); }
Value<String> name() { return field<String>(graph::RunField::RunName); }
Value<String> id() { return field<String>(graph::RunField::RunId); }
Value<String> task_name() { return field<String>(graph::RunField::TaskName); }
Value<String> status() { return field<String>(graph::RunField::Status); }
Value<String> failures() { return field<String>(graph::RunField::Failures); }

}  // namespace pipecc::run

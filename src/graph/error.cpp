#include "pipecc/error.hpp"

namespace pipecc {

std::string Where::describe() const {
    if (!file.empty()) {
        std::string out = file;
        if (line > 0) {
            out += ':' + std::to_string(line);
            if (column > 0) out += ':' + std::to_string(column);
        }
        return out;
    }
    std::string out;
    auto add = [&out](const char* what, const std::string& name) {
        if (name.empty()) return;
        if (!out.empty()) out += ", ";
        out += what;
        out += " '" + name + "'";
    };
    add("pipeline", pipeline);
    add("task", task);
    add("input", input);
    return out;
}

namespace {
std::string full_message(const std::string& message, const Where& where) {
    const std::string place = where.describe();
    return place.empty() ? message : place + ": " + message;
}
}  // namespace

Error::Error(const std::string& message, Where where)
    : std::runtime_error(full_message(message, where)), message_(message), where_(std::move(where)) {}

}  // namespace pipecc

#include "validate/dag_cycles.hpp"

namespace pipecc::validate {

std::vector<std::string> cycle_entries(const std::vector<std::pair<std::string, std::vector<std::string>>>& edges) {
    std::unordered_map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < edges.size(); ++i) index.emplace(edges[i].first, i);
    enum State : char { kNew, kOnPath, kDone };
    std::vector<State> state(edges.size(), kNew);
    std::vector<std::string> out;
    struct Frame {
        std::size_t task;
        std::size_t next;
    };
    std::vector<Frame> stack;
    for (std::size_t start = 0; start < edges.size(); ++start) {
        if (state[start] != kNew) continue;
        state[start] = kOnPath;
        stack.push_back({start, 0});
        while (!stack.empty()) {
            Frame& top = stack.back();
            const auto& deps = edges[top.task].second;
            if (top.next == deps.size()) {
                state[top.task] = kDone;
                stack.pop_back();
                continue;
            }
            const auto it = index.find(deps[top.next++]);
            if (it == index.end()) continue;
            const std::size_t next = it->second;
            if (state[next] == kOnPath) {
                out.push_back(edges[next].first);
            } else if (state[next] == kNew) {
                state[next] = kOnPath;
                stack.push_back({next, 0});
            }
        }
    }
    return out;
}

}  // namespace pipecc::validate

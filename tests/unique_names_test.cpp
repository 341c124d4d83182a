// graph::UniqueNames: kfp's naming of repeated names (x, x-2, x-3, ...), and no name handed out
// twice whatever mix of claims and takes produced it.

#include <catch2/catch.hpp>

#include <random>
#include <set>
#include <string>

#include "pipecc/graph/unique_names.hpp"

namespace unique_names_test {

using pipecc::graph::UniqueNames;

TEST_CASE("UniqueNames numbers repeated claims from 2", "[unique_names]") {
    UniqueNames names;
    CHECK(names.claim("step") == "step");
    CHECK(names.claim("step") == "step-2");
    CHECK(names.claim("step") == "step-3");
    CHECK(names.claim("train") == "train");
    CHECK(names.taken("step-3"));
    CHECK_FALSE(names.taken("step-4"));
    CHECK_FALSE(names.taken("step-1"));
    CHECK_FALSE(names.taken("step-03"));
}

TEST_CASE("UniqueNames skips names taken or claimed otherwise", "[unique_names]") {
    UniqueNames names;
    CHECK(names.take("step-2"));
    CHECK_FALSE(names.take("step-2"));
    CHECK(names.claim("step") == "step");
    CHECK(names.claim("step") == "step-3");  // step-2 was taken
    // A numbered name as a base of its own: taken by the numbering, so it is numbered in turn.
    CHECK(names.claim("step-3") == "step-3-2");
    CHECK(names.claim("step-3") == "step-3-3");
    // A base that looks numbered but was never handed out is free.
    CHECK(names.claim("step-9") == "step-9");
    CHECK(names.claim("step") == "step-4");
    CHECK(names.claim("step") == "step-5");
    CHECK(names.claim("step") == "step-6");
    CHECK(names.claim("step") == "step-7");
    CHECK(names.claim("step") == "step-8");
    CHECK(names.claim("step") == "step-10");  // step-9 was claimed as a base
    CHECK_FALSE(names.take("step-10"));
    CHECK_FALSE(names.take("step"));
    CHECK(names.take("step-11"));
    CHECK(names.claim("step") == "step-12");
}

TEST_CASE("UniqueNames never hands out a name twice, in any mix of claims and takes", "[unique_names]") {
    std::mt19937 random(20261123);
    const std::string bases[] = {"a", "a-2", "a-2-2", "a-10", "b", "a-02", "a-1", "b-3"};
    for (int round = 0; round < 200; ++round) {
        UniqueNames names;
        std::set<std::string> handed_out;
        for (int i = 0; i < 40; ++i) {
            const std::string& base = bases[random() % std::size(bases)];
            if (random() % 4 == 0) {
                const bool fresh = handed_out.insert(base).second;
                CHECK(names.take(base) == fresh);
            } else {
                const std::string name = names.claim(base);
                CHECK(handed_out.insert(name).second);
            }
        }
        for (const auto& n : handed_out) CHECK(names.taken(n));
    }
}

}  // namespace unique_names_test

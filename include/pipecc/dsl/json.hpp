#pragma once
/// `Json`: a JSON literal (loop items, List and Struct defaults, importer metadata), so that the
/// public headers need not include nlohmann/json (half of a pipeline's compile time). Programs
/// that include nlohmann/json.hpp themselves pass its values directly.

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "pipecc/emit/document.hpp"

namespace pipecc {

namespace detail {
/// An nlohmann::basic_json, recognised by its shape so that this header need not include it.
template <class J>
concept NlohmannJson = requires(const J& j) {
    typename J::object_t;
    typename J::array_t;
    typename J::number_float_t;
    { j.is_discarded() } -> std::same_as<bool>;
    { j.is_number_unsigned() } -> std::same_as<bool>;
    { j.items() };
};
}  // namespace detail

/// A JSON value: null, a boolean, an integer, a finite number, a string, an array or an object
/// (keys in the order given). A braced list of key-value pairs is an object; `Json::array` makes
/// an array. Values of nlohmann::json convert to it, keys in their own order.
///
/// @code
/// Json grid = Json::array({{{"lr", 0.1}, {"depth", 3}}, {{"lr", 0.01}, {"depth", 5}}});
/// Json meta = {{"source", "bigquery"}, {"rows", 1200}};
/// Json regions = Json::array({"kanto", "kansai"});
/// @endcode
class Json {
public:
    Json() = default;
    Json(std::nullptr_t) {}
    template <std::same_as<bool> B>
    Json(B b) : node_(b) {}
    /// Throws `Error` for an unsigned value above the largest 64-bit signed integer.
    template <std::integral I>
        requires(!std::same_as<I, bool>)
    Json(I i) : node_(checked_int(i)) {}
    /// Throws `Error` for NaN or infinity, which JSON cannot hold.
    template <std::floating_point F>
    Json(F d) : node_(finite(static_cast<double>(d))) {}
    Json(const char* s) : node_(s) {}
    Json(std::string s) : node_(std::move(s)) {}
    Json(std::string_view s) : node_(s) {}
    /// An object; throws `Error` if a key repeats.
    Json(std::initializer_list<std::pair<std::string, Json>> members);
    template <detail::NlohmannJson J>
    Json(const J& j) : Json(from_nlohmann(j)) {}

    /// An array of `items`.
    static Json array(std::initializer_list<Json> items = {});
    /// An object of `members`; throws `Error` if a key repeats.
    static Json object(std::initializer_list<std::pair<std::string, Json>> members = {});

    /// Appends `item` to an array. Returns *this.
    Json& push(Json item);
    /// Adds member `key` to an object; throws `Error` if it is already there. Returns *this.
    Json& set(std::string key, Json value);

    bool is_array() const { return node_.is_seq(); }
    bool is_object() const { return node_.is_map(); }
    /// The document node that emitters write.
    const doc::Node& node() const { return node_; }

    friend bool operator==(const Json& a, const Json& b) { return a.node_ == b.node_; }

private:
    [[noreturn]] static void int_out_of_range(unsigned long long value);
    [[noreturn]] static void not_a_literal(const std::string& what);
    static double finite(double d);
    template <std::integral I>
    static long long checked_int(I i) {
        if constexpr (std::is_unsigned_v<I> && sizeof(I) >= sizeof(long long)) {
            if (i > static_cast<unsigned long long>(INT64_MAX)) int_out_of_range(i);
        }
        return static_cast<long long>(i);
    }
    template <class J>
    static Json from_nlohmann(const J& j) {
        if (j.is_object()) {
            Json out = object();
            for (const auto& [key, item] : j.items()) out.set(key, from_nlohmann(item));
            return out;
        }
        if (j.is_array()) {
            Json out = array();
            for (const auto& item : j) out.push(from_nlohmann(item));
            return out;
        }
        if (j.is_string()) return Json(j.template get_ref<const std::string&>());
        if (j.is_boolean()) return Json(j.template get<bool>());
        if (j.is_number_unsigned()) return Json(j.template get<unsigned long long>());
        if (j.is_number_integer()) return Json(j.template get<long long>());
        if (j.is_number_float()) return Json(j.template get<double>());
        if (j.is_null()) return Json();
        not_a_literal(j.type_name());
    }

    doc::Node node_;
};

}  // namespace pipecc

#pragma once
/// `FunctionRef`: a non-owning reference to a callable, for the bodies that `If`, `parallel_for`
/// and `run_main` call before they return. It keeps `<functional>` (about 0.3 s of every user
/// compile) out of the public headers.

#include <type_traits>
#include <utility>

namespace pipecc {

template <class Signature>
class FunctionRef;

/// Refers to a lambda, function object or function for as long as the call that receives it
/// runs; it never copies the callable, so it must not be stored past that call.
///
/// @code
/// auto twice = [](FunctionRef<int(int)> f) { return f(f(1)); };
/// int four = twice([](int x) { return x * 2; });
/// @endcode
template <class R, class... Args>
class FunctionRef<R(Args...)> {
public:
    template <class F>
        requires(!std::is_same_v<std::remove_cvref_t<F>, FunctionRef> &&
                 std::is_invocable_r_v<R, std::remove_reference_t<F>&, Args...>)
    FunctionRef(F&& f) noexcept : call_(&call<std::remove_reference_t<F>>) {
        if constexpr (std::is_function_v<std::remove_reference_t<F>>) {
            target_.function = reinterpret_cast<void (*)()>(&f);
        } else {
            target_.object = const_cast<void*>(static_cast<const volatile void*>(std::addressof(f)));
        }
    }

    R operator()(Args... args) const { return call_(target_, std::forward<Args>(args)...); }

private:
    union Target {
        void* object;
        void (*function)();
    };

    template <class F>
    static R call(Target target, Args... args) {
        F* f;
        if constexpr (std::is_function_v<F>) {
            f = reinterpret_cast<F*>(target.function);
        } else {
            f = static_cast<F*>(target.object);
        }
        if constexpr (std::is_void_v<R>) {
            (*f)(std::forward<Args>(args)...);
        } else {
            return (*f)(std::forward<Args>(args)...);
        }
    }

    Target target_{};
    R (*call_)(Target, Args...);
};

}  // namespace pipecc

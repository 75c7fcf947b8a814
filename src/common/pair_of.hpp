#pragma once
// Small fixed lists built outside coroutines: GCC 12 cannot compile a braced
// initializer_list inside a coroutine body ("array used as initializer"), so coroutines
// iterate over these instead.
#include <array>
#include <string>
#include <vector>

namespace conv {

template <class T>
std::array<T, 2> pair_of(T a, T b) {
  return {a, b};
}

inline std::vector<std::string> users_of(const std::string& a, const std::string& b) {
  return std::vector<std::string>{a, b};
}

}  // namespace conv

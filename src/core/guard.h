// Guard: the boundary where exceptions from below (allocation, a
// dependency) become errors, so nothing throws across the public API.
#ifndef MEM0_SRC_CORE_GUARD_H_
#define MEM0_SRC_CORE_GUARD_H_

#include <exception>
#include <string>

#include "mem0/core/result.h"

namespace mem0 {

// Runs `call` (returning a Result); an exception becomes a kInternal error
// naming `what`.
template <typename Call>
auto Guard(const char* what, Call&& call) -> decltype(call()) {
  try {
    return call();
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kInternal, std::string(what) + " failed: " + e.what());
  } catch (...) {
    return MakeError(ErrorCode::kInternal, std::string(what) + " failed");
  }
}

}  // namespace mem0

#endif  // MEM0_SRC_CORE_GUARD_H_

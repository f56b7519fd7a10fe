// A small reader that splits one fuzz input into the several values a target
// needs. Our own rather than libFuzzer's FuzzedDataProvider so the targets
// also compile with GCC, where the regression replay (replay_main.cc) runs
// them without libFuzzer.
#ifndef MEM0_TESTS_FUZZ_FUZZ_INPUT_H_
#define MEM0_TESTS_FUZZ_FUZZ_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mem0::fuzz {

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size) : rest_(reinterpret_cast<const char*>(data), size) {}

  bool empty() const { return rest_.empty(); }

  // One byte, 0 when the input is used up.
  uint8_t Byte() {
    if (rest_.empty()) return 0;
    uint8_t value = static_cast<uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return value;
  }

  // Text up to the next NUL byte (consumed) or the end: seeds stay readable
  // as NUL-separated fields.
  std::string Field() {
    size_t end = rest_.find('\0');
    std::string value(rest_.substr(0, end));
    rest_.remove_prefix(end == std::string_view::npos ? rest_.size() : end + 1);
    return value;
  }

  // Everything not yet consumed.
  std::string Rest() {
    std::string value(rest_);
    rest_ = {};
    return value;
  }

 private:
  std::string_view rest_;
};

}  // namespace mem0::fuzz

#endif  // MEM0_TESTS_FUZZ_FUZZ_INPUT_H_

// Replays fuzz inputs without libFuzzer: `mem0_fuzz_replay TARGET PATH...`
// runs TARGET's entry point on every file under each PATH (a file or a
// folder). ctest runs it on the kept crash reproducers and seed corpora, so
// every build checks that they still pass. Each target's
// LLVMFuzzerTestOneInput is renamed Mem0Fuzz_<target> in this build
// (tests/fuzz/CMakeLists.txt), which lets one binary hold them all.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#define MEM0_FUZZ_TARGET(name) extern "C" int Mem0Fuzz_##name(const uint8_t*, size_t);
#include "replay_targets.inc"
#undef MEM0_FUZZ_TARGET

namespace {

using EntryPoint = int (*)(const uint8_t*, size_t);

struct Target {
  std::string_view name;
  EntryPoint entry;
};

constexpr Target kTargets[] = {
#define MEM0_FUZZ_TARGET(name) {#name, &Mem0Fuzz_##name},
#include "replay_targets.inc"
#undef MEM0_FUZZ_TARGET
};

int RunFile(EntryPoint entry, const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    return 1;
  }
  std::vector<char> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  // A copy of exactly the input's size, so ASan sees reads past its end.
  std::vector<uint8_t> input(bytes.begin(), bytes.end());
  entry(input.data(), input.size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s TARGET [FILE|FOLDER]...\n", argv[0]);
    return 2;
  }
  EntryPoint entry = nullptr;
  for (const Target& target : kTargets) {
    if (target.name == argv[1]) entry = target.entry;
  }
  if (entry == nullptr) {
    std::fprintf(stderr, "unknown fuzz target %s\n", argv[1]);
    return 2;
  }
  int failures = 0;
  size_t inputs = 0;
  for (int i = 2; i < argc; ++i) {
    std::filesystem::path path(argv[i]);
    std::error_code error;
    if (std::filesystem::is_directory(path, error)) {
      std::vector<std::filesystem::path> files;
      for (const auto& entry_path : std::filesystem::recursive_directory_iterator(path)) {
        if (entry_path.is_regular_file()) files.push_back(entry_path.path());
      }
      std::sort(files.begin(), files.end());
      for (const auto& file : files) {
        failures += RunFile(entry, file);
        ++inputs;
      }
    } else if (std::filesystem::exists(path, error)) {
      failures += RunFile(entry, path);
      ++inputs;
    }
  }
  std::printf("%s: %zu inputs replayed\n", argv[1], inputs);
  return failures == 0 ? 0 : 1;
}

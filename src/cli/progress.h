// Progress of a long command (export, import, migrate) on stderr: a bar
// redrawn in place with the rate and time left on a terminal, a plain line
// every few seconds otherwise, and a summary line at the end. Not
// thread-safe: one thread updates it.
#ifndef MEM0_CLI_PROGRESS_H_
#define MEM0_CLI_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

namespace mem0::cli {

enum class ProgressStyle { kNone, kBar, kLines };

// "auto" (a bar when stderr is a terminal, lines otherwise), "bar", "lines"
// or "none"; nullopt for anything else.
std::optional<ProgressStyle> ParseProgressStyle(const std::string& text);

class Progress {
 public:
  // `label` starts every line ("mem0 migrate"); `unit` names what is counted
  // ("records" or "bytes"), `count_unit` a second count shown beside it.
  Progress(std::string label, std::string unit, ProgressStyle style, std::ostream& out,
           std::string count_unit = "");

  // 0: not known (no percentage or time left).
  void SetTotal(int64_t total) { total_ = total; }
  // `done` units so far (and the second count, if any). Cheap: draws at
  // most 10 times a second (bar) or every 5 s (lines).
  void Update(int64_t done, int64_t count = 0);
  // The summary line (also after a failure: what was done).
  void Finish();

 private:
  std::string Line(bool final) const;
  void Draw(bool final);

  const std::string label_;
  const std::string unit_;
  const std::string count_unit_;
  const ProgressStyle style_;
  std::ostream& out_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point drawn_at_{};
  int64_t total_ = 0;
  int64_t done_ = 0;
  int64_t count_ = 0;
  bool drawn_ = false;
  bool finished_ = false;
};

}  // namespace mem0::cli

#endif  // MEM0_CLI_PROGRESS_H_

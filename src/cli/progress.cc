#include "cli/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <utility>

namespace mem0::cli {
namespace {

constexpr auto kBarInterval = std::chrono::milliseconds(100);
constexpr auto kLineInterval = std::chrono::seconds(5);
constexpr int kBarWidth = 24;

// 1234567 -> "1,234,567".
std::string Grouped(int64_t value) {
  const std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  if (value < 0) out += '-';
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// "1 record", "2,048 records".
std::string Counted(int64_t value, const std::string& plural) {
  std::string out = Grouped(value);
  out += ' ';
  out += value == 1 && plural.ends_with('s') ? plural.substr(0, plural.size() - 1) : plural;
  return out;
}

// Bytes as "12.3 MB"; other units as grouped numbers.
std::string Amount(double value, const std::string& unit) {
  if (unit != "bytes") return Counted(std::llround(value), unit);
  const char* suffixes[] = {"B", "kB", "MB", "GB", "TB"};
  int i = 0;
  while (value >= 1000 && i < 4) {
    value /= 1000;
    ++i;
  }
  char text[32];
  std::snprintf(text, sizeof text, i == 0 ? "%.0f %s" : "%.1f %s", value, suffixes[i]);
  return text;
}

// "4.2 s" under a minute, then "12:05" or "1:02:03".
std::string Duration(double seconds) {
  char text[32];
  seconds = std::max(0.0, seconds);
  if (seconds < 60) {
    std::snprintf(text, sizeof text, "%.1f s", seconds);
    return text;
  }
  const auto total = static_cast<int64_t>(seconds);
  if (total >= 3600) {
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", static_cast<long long>(total / 3600),
                  static_cast<long long>(total / 60 % 60), static_cast<long long>(total % 60));
  } else {
    std::snprintf(text, sizeof text, "%lld:%02lld", static_cast<long long>(total / 60),
                  static_cast<long long>(total % 60));
  }
  return text;
}

}  // namespace

std::optional<ProgressStyle> ParseProgressStyle(const std::string& text) {
  if (text == "auto") return isatty(STDERR_FILENO) ? ProgressStyle::kBar : ProgressStyle::kLines;
  if (text == "bar") return ProgressStyle::kBar;
  if (text == "lines") return ProgressStyle::kLines;
  if (text == "none") return ProgressStyle::kNone;
  return std::nullopt;
}

Progress::Progress(std::string label, std::string unit, ProgressStyle style, std::ostream& out,
                   std::string count_unit)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      count_unit_(std::move(count_unit)),
      style_(style),
      out_(out) {}

void Progress::Update(int64_t done, int64_t count) {
  done_ = done;
  count_ = count;
  if (style_ == ProgressStyle::kNone || finished_) return;
  const auto now = std::chrono::steady_clock::now();
  const auto interval = style_ == ProgressStyle::kBar ? kBarInterval : kLineInterval;
  if (style_ == ProgressStyle::kLines && now - start_ < interval) return;
  if (drawn_ && now - drawn_at_ < interval) return;
  drawn_at_ = now;
  Draw(false);
}

void Progress::Finish() {
  if (style_ == ProgressStyle::kNone || finished_) return;
  finished_ = true;
  Draw(true);
}

void Progress::Draw(bool final) {
  drawn_ = true;
  if (style_ == ProgressStyle::kBar) {
    out_ << "\r\x1b[2K" << Line(final) << (final ? "\n" : "") << std::flush;
  } else {
    out_ << Line(final) << "\n" << std::flush;
  }
}

// Built by appending: GCC 12 at -O3 misreads `literal + temporary` as an
// overlapping copy (-Wrestrict).
std::string Progress::Line(bool final) const {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = seconds > 0 ? static_cast<double>(done_) / seconds : 0;
  std::string line = label_;
  line += ": ";
  const bool known = total_ > 0 && !final;
  if (known && style_ == ProgressStyle::kBar) {
    const auto filled = static_cast<int>(
        std::min<int64_t>(kBarWidth, done_ * kBarWidth / std::max<int64_t>(total_, 1)));
    line += '[';
    line.append(static_cast<size_t>(filled), '#');
    line.append(static_cast<size_t>(kBarWidth - filled), '.');
    line += "] ";
  }
  line += Amount(static_cast<double>(done_), unit_);
  if (known) {
    line += " of ";
    line += Amount(static_cast<double>(total_), unit_);
    char percent[16];
    std::snprintf(
        percent, sizeof percent, " (%.0f%%)",
        100.0 * static_cast<double>(std::min(done_, total_)) / static_cast<double>(total_));
    line += percent;
  }
  if (!count_unit_.empty()) {
    line += ", ";
    line += Counted(count_, count_unit_);
  }
  if (final) {
    line += " in ";
    line += Duration(seconds);
  }
  line += ", ";
  line += Amount(rate, unit_);
  line += "/s";
  if (known && rate > 0 && done_ < total_) {
    line += ", ";
    line += Duration(static_cast<double>(total_ - done_) / rate);
    line += " left";
  }
  return line;
}

}  // namespace mem0::cli

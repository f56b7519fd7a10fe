#include "mem0/env.h"

#include <thread>

namespace mem0 {
namespace {

class RealClock final : public Clock {
 public:
  std::chrono::system_clock::time_point Now() override { return std::chrono::system_clock::now(); }
};

class ThreadSleeper final : public Sleeper {
 public:
  void Sleep(std::chrono::milliseconds duration) override { std::this_thread::sleep_for(duration); }
};

}  // namespace

std::shared_ptr<Clock> SystemClock() {
  static const auto clock = std::make_shared<RealClock>();
  return clock;
}

std::shared_ptr<Sleeper> RealSleeper() {
  static const auto sleeper = std::make_shared<ThreadSleeper>();
  return sleeper;
}

}  // namespace mem0

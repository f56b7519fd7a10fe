#include "mem0/core/env.h"

#include <cstdlib>
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

EnvironmentLookup ProcessEnvironment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Env Env::Resolved() const {
  Env env = *this;
  if (!env.clock) env.clock = SystemClock();
  if (!env.sleeper) env.sleeper = RealSleeper();
  if (!env.environment) env.environment = ProcessEnvironment();
  return env;
}

}  // namespace mem0

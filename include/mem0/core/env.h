// Env: the seams between mem0 and the machine it runs on, in one place (like
// LevelDB's Env). Everything that reads the time, waits, or reads the process
// environment goes through an Env, so tests drive it deterministically (see
// FakeClock in tests). Network seams (HTTP transport, credentials) belong to
// the aws layer and sit beside an Env in aws::ClientConfig.
//
// Thread-safety: implementations must be safe to call from any thread.
#ifndef MEM0_CORE_ENV_H_
#define MEM0_CORE_ENV_H_

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace mem0 {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time (used for SigV4 dates, TTLs, expirations, timestamps).
  virtual std::chrono::system_clock::time_point Now() = 0;
};

class Sleeper {
 public:
  virtual ~Sleeper() = default;
  virtual void Sleep(std::chrono::milliseconds duration) = 0;
};

// Reads an environment variable; nullopt when unset.
using EnvironmentLookup = std::function<std::optional<std::string>(std::string_view name)>;

// The real clock and sleeper (shared, stateless) and the process environment.
std::shared_ptr<Clock> SystemClock();
std::shared_ptr<Sleeper> RealSleeper();
EnvironmentLookup ProcessEnvironment();

// A bundle of the seams above. Null members mean the real implementation;
// Resolved() fills them in.
struct Env {
  std::shared_ptr<Clock> clock;
  std::shared_ptr<Sleeper> sleeper;
  EnvironmentLookup environment;

  Env Resolved() const;
};

}  // namespace mem0

#endif  // MEM0_CORE_ENV_H_

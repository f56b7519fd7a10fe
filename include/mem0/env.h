// Clock and Sleeper: the time seams. The client, retry loop, credential
// refresh and waiters read time and wait only through these, so tests can
// drive them deterministically (see FakeClock in tests).
//
// Thread-safety: implementations must be safe to call from any thread.
#ifndef MEM0_ENV_H_
#define MEM0_ENV_H_

#include <chrono>
#include <memory>

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

// The real clock and sleeper; shared, stateless singletons.
std::shared_ptr<Clock> SystemClock();
std::shared_ptr<Sleeper> RealSleeper();

}  // namespace mem0

#endif  // MEM0_ENV_H_

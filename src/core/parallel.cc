#include "core/parallel.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

namespace mem0 {

Result<void> RunParallel(std::vector<std::function<Result<void>()>> tasks, size_t max_parallel) {
  if (tasks.empty()) return {};
  if (tasks.size() == 1) return tasks[0]();
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::optional<Error> first_error;
  auto worker = [&] {
    for (size_t i = next.fetch_add(1); i < tasks.size(); i = next.fetch_add(1)) {
      auto status = tasks[i]();
      if (!status.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (!first_error) first_error = std::move(status).error();
      }
    }
  };
  const size_t thread_count = std::min(tasks.size(), std::max<size_t>(1, max_parallel));
  std::vector<std::thread> threads;
  threads.reserve(thread_count - 1);
  for (size_t i = 1; i < thread_count; ++i) {
    // Out of threads: the ones running (at least this one) finish the work.
    try {
      threads.emplace_back(worker);
    } catch (const std::system_error&) {
      break;
    }
  }
  worker();
  for (auto& thread : threads) thread.join();
  if (first_error) return std::move(*first_error);
  return {};
}

}  // namespace mem0

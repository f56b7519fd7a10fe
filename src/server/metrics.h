// Request counters and latency histograms for GET /metrics, in the
// Prometheus text exposition format, plus cheap process figures.
#ifndef MEM0_SRC_SERVER_METRICS_H_
#define MEM0_SRC_SERVER_METRICS_H_

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace mem0::server {

class Metrics {
 public:
  Metrics();

  // `route` is a route template ("/memories/{memory_id}") or "unmatched", and
  // `method` one of the HTTP methods or "OTHER", so labels stay bounded.
  void Record(const std::string& route, const std::string& method, int status, double seconds);
  std::string Render() const;

  static constexpr std::array<double, 11> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                      0.5,   1,    2.5,   5,    10};

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> counts{};  // per bucket, not cumulative
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
  std::chrono::system_clock::time_point start_;
};

}  // namespace mem0::server

#endif  // MEM0_SRC_SERVER_METRICS_H_

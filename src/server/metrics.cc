#include "server/metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "mem0/dynamodb/client.h"
#include "mem0/store/sqlite_stats.h"

namespace mem0::server {
namespace {

std::string Number(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.17g", value);
  return buffer;
}

// Label values are our own route templates and method names; escape anyway.
std::string Label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

// Process-wide figures of the storage engines. Operations that sent nothing
// are left out, so the label set stays small.
std::string StorageMetrics() {
  const auto& counters = dynamodb::ProcessRequestCounters();
  std::string requests, retries, capacity;
  for (std::size_t i = 0; i < dynamodb::kOperationCount; ++i) {
    const auto op = static_cast<dynamodb::Operation>(i);
    if (counters.Get(op) == 0) continue;
    const std::string label = std::string("{operation=\"") + dynamodb::OperationName(op) + "\"} ";
    requests += "mem0_dynamodb_requests_total" + label + std::to_string(counters.Get(op)) + "\n";
    retries += "mem0_dynamodb_retries_total" + label + std::to_string(counters.Retries(op)) + "\n";
    capacity += "mem0_dynamodb_consumed_capacity_units_total" + label +
                Number(counters.ConsumedCapacity(op)) + "\n";
  }
  const auto busy = store::ProcessSqliteBusyStats();
  return "# HELP mem0_dynamodb_requests_total DynamoDB HTTP requests sent, retries included.\n"
         "# TYPE mem0_dynamodb_requests_total counter\n" +
         requests +
         "# HELP mem0_dynamodb_retries_total DynamoDB requests that were retries.\n"
         "# TYPE mem0_dynamodb_retries_total counter\n" +
         retries +
         "# HELP mem0_dynamodb_consumed_capacity_units_total Capacity units DynamoDB reported.\n"
         "# TYPE mem0_dynamodb_consumed_capacity_units_total counter\n" +
         capacity +
         "# HELP mem0_sqlite_busy_waits_total Waits for another connection's SQLite lock.\n"
         "# TYPE mem0_sqlite_busy_waits_total counter\n"
         "mem0_sqlite_busy_waits_total " +
         std::to_string(busy.waits) +
         "\n"
         "# HELP mem0_sqlite_busy_wait_seconds_total Time spent in those waits.\n"
         "# TYPE mem0_sqlite_busy_wait_seconds_total counter\n"
         "mem0_sqlite_busy_wait_seconds_total " +
         Number(busy.wait_seconds) + "\n";
}

}  // namespace

Metrics::Metrics() : start_(std::chrono::system_clock::now()) {}

void Metrics::Record(const std::string& route, const std::string& method, int status,
                     double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{route, method, status}];
  Histogram& histogram = latency_[route];
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++histogram.counts[i];
      break;
    }
  }
  ++histogram.count;
  histogram.sum += seconds;
}

std::string Metrics::Render() const {
  std::string out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    out +=
        "# HELP mem0_http_requests_total HTTP requests served, by route, method and status.\n"
        "# TYPE mem0_http_requests_total counter\n";
    for (const auto& [key, count] : requests_) {
      const auto& [route, method, status] = key;
      out += "mem0_http_requests_total{route=\"" + Label(route) + "\",method=\"" + Label(method) +
             "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(count) + "\n";
    }
    out +=
        "# HELP mem0_http_request_duration_seconds Time spent handling requests, by route.\n"
        "# TYPE mem0_http_request_duration_seconds histogram\n";
    for (const auto& [route, histogram] : latency_) {
      const std::string name = "mem0_http_request_duration_seconds";
      const std::string label = "route=\"" + Label(route) + "\"";
      uint64_t cumulative = 0;
      for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += histogram.counts[i];
        out += name + "_bucket{" + label + ",le=\"" + Number(kBuckets[i]) + "\"} " +
               std::to_string(cumulative) + "\n";
      }
      out += name + "_bucket{" + label + ",le=\"+Inf\"} " + std::to_string(histogram.count) + "\n";
      out += name + "_sum{" + label + "} " + Number(histogram.sum) + "\n";
      out += name + "_count{" + label + "} " + std::to_string(histogram.count) + "\n";
    }
  }
  out += StorageMetrics();
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) == 0) {
    double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                 static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    out +=
        "# HELP process_cpu_seconds_total User and system CPU time spent.\n"
        "# TYPE process_cpu_seconds_total counter\n"
        "process_cpu_seconds_total " +
        Number(cpu) + "\n";
  }
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0, pages_resident = 0;
  if (statm >> pages_total >> pages_resident) {
    const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
    out +=
        "# HELP process_resident_memory_bytes Resident memory size.\n"
        "# TYPE process_resident_memory_bytes gauge\n"
        "process_resident_memory_bytes " +
        Number(static_cast<double>(pages_resident) * page) + "\n";
  }
  out +=
      "# HELP process_start_time_seconds Start time of the server since the Unix epoch.\n"
      "# TYPE process_start_time_seconds gauge\n"
      "process_start_time_seconds " +
      Number(std::chrono::duration<double>(start_.time_since_epoch()).count()) + "\n";
  return out;
}

}  // namespace mem0::server

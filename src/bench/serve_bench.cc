// mem0-bench serve: load on mem0's REST API over loopback. For each number of
// connections: adds (infer off), searches and gets, each for a fixed time,
// with requests/s and p50/p99 latency. Then every memory acknowledged with
// 200 is looked for through GET /memories: each must be listed exactly once.
//
// Without --url the server runs in this process on fresh stores; with --url
// (one or more servers, e.g. several processes on one table pair) the
// connections are spread over them round-robin.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "bench/bench.h"
#include "core/url.h"
#include "core/uuid.h"
#include "mem0/server/server.h"

namespace mem0::bench {
namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

struct Endpoint {
  std::string host;
  int port = 0;
};

std::unique_ptr<httplib::Client> Connect(const Endpoint& endpoint, const std::string& api_key) {
  auto client = std::make_unique<httplib::Client>(endpoint.host, endpoint.port);
  client->set_keep_alive(true);
  client->set_tcp_nodelay(true);
  client->set_connection_timeout(5);
  client->set_read_timeout(30);
  if (!api_key.empty()) client->set_default_headers({{"X-API-Key", api_key}});
  return client;
}

// What the connections of one phase saw.
struct PhaseResult {
  std::vector<double> millis;  // successful requests
  uint64_t errors = 0;
  std::string first_error;
  double seconds = 0;
};

class LoadRun {
 public:
  LoadRun(std::vector<Endpoint> endpoints, const ServeBenchOptions& options)
      : endpoints_(std::move(endpoints)), options_(options), run_(NewUuid().substr(0, 8)) {}

  std::string User(int index) const { return "bench-" + run_ + "-" + std::to_string(index); }

  // Runs `request` on `connections` threads until the phase time is up;
  // `request` returns "" on success or what went wrong.
  template <typename Fn>
  PhaseResult Phase(int connections, Fn request) {
    PhaseResult result;
    std::mutex mu;
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                             std::chrono::duration<double>(options_.seconds));
    const auto start = Clock::now();
    std::vector<std::thread> threads;
    for (int c = 0; c < connections; ++c) {
      threads.emplace_back([&, c] {
        auto client = Connect(endpoints_[c % endpoints_.size()], options_.api_key);
        std::mt19937 rng(static_cast<unsigned>(c * 7919 + connections));
        std::vector<double> millis;
        uint64_t errors = 0;
        std::string first_error;
        while (Clock::now() < deadline) {
          const auto t0 = Clock::now();
          std::string error = request(*client, rng, c);
          if (error.empty()) {
            millis.push_back(Seconds(Clock::now() - t0) * 1000);
          } else {
            if (errors++ == 0) first_error = error;
          }
        }
        std::lock_guard<std::mutex> lock(mu);
        result.millis.insert(result.millis.end(), millis.begin(), millis.end());
        result.errors += errors;
        if (result.first_error.empty()) result.first_error = first_error;
      });
    }
    for (auto& thread : threads) thread.join();
    result.seconds = Seconds(Clock::now() - start);
    return result;
  }

  std::string Add(httplib::Client& client, std::mt19937& rng, int connection) {
    const int n = next_text_++;
    const int user = n % options_.users;
    Json body = {
        {"messages",
         {{{"role", "user"}, {"content", SyntheticMemory(rng) + " #" + std::to_string(n)}}}},
        {"user_id", User(user)},
        {"infer", false}};
    auto reply = client.Post("/memories", body.dump(), "application/json");
    if (!reply) return "POST /memories: " + httplib::to_string(reply.error());
    if (reply->status != 200) return "POST /memories: HTTP " + std::to_string(reply->status);
    Json parsed = Json::parse(reply->body, nullptr, false);
    if (!parsed.is_object() || !parsed["results"].is_array()) return "POST /memories: bad body";
    std::lock_guard<std::mutex> lock(acked_mu_);
    for (const auto& event : parsed["results"]) {
      if (event.value("event", "") == "ADD") acked_[event.value("id", "")] = user;
    }
    (void)connection;
    return "";
  }

  std::string Search(httplib::Client& client, std::mt19937& rng, int connection) {
    Json body = {{"query", SyntheticQuery(rng)},
                 {"user_id", User(static_cast<int>(rng() % options_.users))},
                 {"limit", 10}};
    auto reply = client.Post("/search", body.dump(), "application/json");
    if (!reply) return "POST /search: " + httplib::to_string(reply.error());
    if (reply->status != 200) return "POST /search: HTTP " + std::to_string(reply->status);
    (void)connection;
    return "";
  }

  std::string Get(httplib::Client& client, std::mt19937& rng, int connection) {
    const std::string& id = acked_ids_[rng() % acked_ids_.size()];
    auto reply = client.Get("/memories/" + id);
    if (!reply) return "GET /memories/{id}: " + httplib::to_string(reply.error());
    if (reply->status != 200) return "GET /memories/{id}: HTTP " + std::to_string(reply->status);
    (void)connection;
    return "";
  }

  // Freezes the acknowledged ids for the get phase.
  void SnapshotAcked() {
    std::lock_guard<std::mutex> lock(acked_mu_);
    acked_ids_.clear();
    for (const auto& [id, user] : acked_) acked_ids_.push_back(id);
  }
  size_t acked() const { return acked_ids_.size(); }

  // Lists every user's memories through the first server; each acknowledged
  // id must appear once, and no id twice.
  Result<std::pair<uint64_t, uint64_t>> Verify() {
    auto client = Connect(endpoints_[0], options_.api_key);
    std::map<std::string, int> seen;
    for (int user = 0; user < options_.users; ++user) {
      std::string token;
      do {
        httplib::Params params{{"user_id", User(user)}, {"limit", "500"}};
        if (!token.empty()) params.emplace("next_token", token);
        auto reply = client->Get("/memories", params, httplib::Headers{});
        if (!reply || reply->status != 200) {
          return MakeError(ErrorCode::kNetworkError,
                           "GET /memories failed while verifying: " +
                               (reply ? "HTTP " + std::to_string(reply->status)
                                      : httplib::to_string(reply.error())));
        }
        Json page = Json::parse(reply->body, nullptr, false);
        if (!page.is_object() || !page["results"].is_array()) {
          return MakeError(ErrorCode::kNetworkError, "GET /memories: bad body");
        }
        for (const auto& item : page["results"]) ++seen[item.value("id", "")];
        token = page.value("next_token", "");
      } while (!token.empty());
    }
    uint64_t missing = 0, duplicates = 0;
    for (const auto& [id, user] : acked_) missing += seen.count(id) ? 0 : 1;
    for (const auto& [id, count] : seen) duplicates += count > 1 ? count - 1 : 0;
    return std::make_pair(missing, duplicates);
  }

 private:
  std::vector<Endpoint> endpoints_;
  const ServeBenchOptions& options_;
  const std::string run_;
  std::atomic<int> next_text_{0};
  std::mutex acked_mu_;
  std::map<std::string, int> acked_;  // memory id -> user index
  std::vector<std::string> acked_ids_;
};

void PrintPhase(const std::string& name, int connections, PhaseResult& result) {
  std::sort(result.millis.begin(), result.millis.end());
  auto pct = [&](double p) {
    return result.millis.empty()
               ? 0.0
               : result.millis[static_cast<size_t>(p * (result.millis.size() - 1))];
  };
  const std::string prefix = name + "_c" + std::to_string(connections);
  std::printf("%s_rps %.0f\n", prefix.c_str(), result.millis.size() / result.seconds);
  std::printf("%s_p50_ms %.2f\n", prefix.c_str(), pct(0.5));
  std::printf("%s_p99_ms %.2f\n", prefix.c_str(), pct(0.99));
  std::printf("%s_errors %llu\n", prefix.c_str(), static_cast<unsigned long long>(result.errors));
  if (result.errors) std::fprintf(stderr, "%s: %s\n", prefix.c_str(), result.first_error.c_str());
  std::fflush(stdout);
}

int RunLoad(std::vector<Endpoint> endpoints, const ServeBenchOptions& options) {
  LoadRun run(std::move(endpoints), options);
  uint64_t errors = 0;
  for (int connections : options.connections) {
    PhaseResult adds = run.Phase(
        connections, [&](auto& client, auto& rng, int c) { return run.Add(client, rng, c); });
    errors += adds.errors;
    PrintPhase("add", connections, adds);
    PhaseResult searches = run.Phase(
        connections, [&](auto& client, auto& rng, int c) { return run.Search(client, rng, c); });
    errors += searches.errors;
    PrintPhase("search", connections, searches);
    run.SnapshotAcked();
    if (run.acked() == 0) {
      std::fprintf(stderr, "no add was acknowledged\n");
      return 1;
    }
    PhaseResult gets = run.Phase(
        connections, [&](auto& client, auto& rng, int c) { return run.Get(client, rng, c); });
    errors += gets.errors;
    PrintPhase("get", connections, gets);
  }
  auto verified = run.Verify();
  if (!verified.ok()) return Fail(verified.error());
  std::printf("acked_adds %zu\n", run.acked());
  std::printf("missing %llu\n", static_cast<unsigned long long>(verified->first));
  std::printf("duplicates %llu\n", static_cast<unsigned long long>(verified->second));
  return verified->first == 0 && verified->second == 0 && errors == 0 ? 0 : 1;
}

}  // namespace

int RunServeBench(const ServeBenchOptions& options) {
  std::vector<Endpoint> endpoints;
  for (const auto& url : options.urls) {
    auto parsed = ParseUrl(url);
    if (!parsed.ok() || parsed->scheme != "http") {
      std::fprintf(stderr, "--url %s: expected http://HOST:PORT\n", url.c_str());
      return 2;
    }
    endpoints.push_back({parsed->host, std::stoi(parsed->EffectivePort())});
  }
  std::printf("engine %s\n", options.urls.empty() ? options.engine.c_str() : "external");
  std::printf("seconds_per_phase %.1f\n", options.seconds);
  if (!endpoints.empty()) return RunLoad(std::move(endpoints), options);

  auto stores = MemoryBenchStores::Create(options.engine, options.endpoint_url, options.region);
  if (!stores.ok()) return Fail(stores.error());
  auto memory = memory::Memory::Open(stores->config);
  if (!memory.ok()) return Fail(memory.error());
  server::ServerOptions server_options;
  server_options.port = 0;
  server_options.api_key = options.api_key;
  auto server = server::Server::Create(std::move(*memory), server_options);
  if (!server.ok()) return Fail(server.error());
  if (auto started = (*server)->Start(); !started.ok()) return Fail(started.error());
  const int code = RunLoad({{"127.0.0.1", (*server)->port()}}, options);
  (*server)->Stop();
  return code;
}

}  // namespace mem0::bench

// `mem0-bench client`: single-threaded PutItem then GetItem loops through the
// full client stack, compared in the same run with (a) a minimal sender that
// replays one pre-built signed request over one keep-alive socket (the
// server's own limit) and (b) boto3's single-threaded loop.
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "aws/sigv4.h"
#include "bench/bench.h"

namespace mem0::bench {
namespace {

using Clock = std::chrono::steady_clock;

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

struct LoopResult {
  double ops_per_s = 0;
  double cpu_seconds = 0;
  long ops = 0;
};

template <typename Fn>
Result<LoopResult> TimedLoop(double seconds, Fn op) {
  LoopResult result;
  const double cpu_start = CpuSeconds();
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(seconds);
  while (Clock::now() < end) {
    MEM0_RETURN_IF_ERROR(op(result.ops));
    ++result.ops;
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  result.cpu_seconds = CpuSeconds() - cpu_start;
  result.ops_per_s = result.ops / elapsed;
  return result;
}

// Replays one request over one keep-alive TCP connection; plain http only.
Result<double> RawSenderOpsPerSecond(const std::string& endpoint, const std::string& wire_request,
                                     double seconds) {
  auto host_start = endpoint.find("://") + 3;
  auto colon = endpoint.find(':', host_start);
  if (!endpoint.starts_with("http://") || colon == std::string::npos) {
    return MakeError(ErrorCode::kInvalidArgument, "raw baseline needs http://host:port");
  }
  std::string host = endpoint.substr(host_start, colon - host_start);
  std::string port = endpoint.substr(colon + 1);
  addrinfo hints{}, *addr = nullptr;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &addr) != 0) {
    return MakeError(ErrorCode::kNetworkError, "cannot resolve " + host);
  }
  int fd = socket(addr->ai_family, addr->ai_socktype, addr->ai_protocol);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  if (connect(fd, addr->ai_addr, addr->ai_addrlen) != 0) {
    freeaddrinfo(addr);
    close(fd);
    return MakeError(ErrorCode::kNetworkError, "cannot connect to " + endpoint);
  }
  freeaddrinfo(addr);
  std::string buffer;
  char chunk[65536];
  auto exchange = [&](long) -> Result<void> {
    if (write(fd, wire_request.data(), wire_request.size()) !=
        static_cast<ssize_t>(wire_request.size())) {
      return MakeError(ErrorCode::kNetworkError, "write failed");
    }
    // Read one response: headers, then Content-Length bytes.
    buffer.clear();
    size_t header_end = std::string::npos, total = 0;
    while (true) {
      ssize_t n = read(fd, chunk, sizeof(chunk));
      if (n <= 0) return MakeError(ErrorCode::kNetworkError, "connection closed");
      buffer.append(chunk, static_cast<size_t>(n));
      if (header_end == std::string::npos) {
        header_end = buffer.find("\r\n\r\n");
        if (header_end == std::string::npos) continue;
        auto cl = buffer.find("Content-Length: ");
        if (cl == std::string::npos) return MakeError(ErrorCode::kNetworkError, "no length");
        total = header_end + 4 + std::strtoul(buffer.c_str() + cl + 16, nullptr, 10);
      }
      if (buffer.size() >= total) return {};
    }
  };
  auto result = TimedLoop(seconds, exchange);
  close(fd);
  MEM0_RETURN_IF_ERROR(result);
  return result->ops_per_s;
}

Result<double> Boto3OpsPerSecond(const std::string& endpoint, const std::string& table,
                                 const std::string& item_json, double seconds) {
  std::string script = R"PY(
import boto3, json, sys, time
endpoint, table, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
item = json.loads(sys.stdin.read())
ddb = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1",
                   aws_access_key_id="AKIDBENCH", aws_secret_access_key="bench")
key = {"user_id": item["user_id"], "conversation_id": item["conversation_id"]}
ddb.put_item(TableName=table, Item=item)
n = 0
start = time.perf_counter()
while time.perf_counter() - start < seconds:
    ddb.put_item(TableName=table, Item=item) if n % 2 == 0 else ddb.get_item(TableName=table, Key=key)
    n += 1
print(n / (time.perf_counter() - start))
)PY";
  const char* python = std::getenv("MEM0_PYTHON");
  return RunPythonForNumber(python && *python ? python : "python3", script,
                            {endpoint, table, std::to_string(seconds)}, item_json);
}

}  // namespace

int RunClientBench(const ClientBenchOptions& options) {
  dynamodb::ClientConfig config;
  config.endpoint_url = options.endpoint_url;
  config.region = options.region.empty() ? "us-east-1" : options.region;
  auto created = dynamodb::Client::Create(config);
  if (!created.ok()) return Fail(created.error());
  auto& client = **created;

  dynamodb::Item item = {{"user_id", dynamodb::AttributeValue::S("bench-user")},
                         {"conversation_id", dynamodb::AttributeValue::S("bench-conversation")},
                         {"messages", dynamodb::AttributeValue::S(std::string(
                                          static_cast<size_t>(options.item_bytes), 'm'))},
                         {"timestamp", dynamodb::AttributeValue::N("1700000000")}};
  dynamodb::Item key = {{"user_id", item["user_id"]}, {"conversation_id", item["conversation_id"]}};
  const double half = options.seconds / 2.0;

  client.counters().Reset();
  auto puts = TimedLoop(half, [&](long) -> Result<void> {
    MEM0_RETURN_IF_ERROR(client.PutItem({options.table, item}));
    return {};
  });
  if (!puts.ok()) return Fail(puts.error());
  auto gets = TimedLoop(half, [&](long) -> Result<void> {
    MEM0_ASSIGN_OR_RETURN(auto got, client.GetItem({options.table, key}));
    if (!got.item) return MakeError(ErrorCode::kNotFound, "benchmark item vanished");
    return {};
  });
  if (!gets.ok()) return Fail(gets.error());
  const long ops = puts->ops + gets->ops;
  std::printf("put_ops_per_s %.0f\n", puts->ops_per_s);
  std::printf("get_ops_per_s %.0f\n", gets->ops_per_s);
  std::printf("client_cpu_us_per_op %.1f\n", (puts->cpu_seconds + gets->cpu_seconds) * 1e6 / ops);
  std::printf("requests_per_op %.3f\n", static_cast<double>(client.counters().Total()) / ops);
  std::fflush(stdout);
  if (!options.compare) return 0;

  // Baseline 1: the same GetItem, signed once, replayed raw.
  aws::HttpRequest request;
  request.url = client.endpoint_url() + "/";
  request.body =
      R"({"TableName":")" + options.table +
      R"(","Key":{"user_id":{"S":"bench-user"},"conversation_id":{"S":"bench-conversation"}}})";
  request.headers = {{"Host", request.url.substr(7, request.url.size() - 8)},
                     {"Content-Type", "application/x-amz-json-1.0"},
                     {"X-Amz-Target", "DynamoDB_20120810.GetItem"}};
  aws::sigv4::SigningParams params{config.region, "dynamodb", std::chrono::system_clock::now()};
  auto signed_request = aws::sigv4::Sign(request, {"AKIDBENCH", "bench", "", std::nullopt}, params);
  if (!signed_request.ok()) return Fail(signed_request.error());
  std::string wire = "POST / HTTP/1.1\r\n";
  for (const auto& [name, value] : request.headers) wire += name + ": " + value + "\r\n";
  wire += "Content-Length: " + std::to_string(request.body.size()) + "\r\n\r\n" + request.body;
  auto raw = RawSenderOpsPerSecond(client.endpoint_url(), wire, half);
  if (raw.ok()) {
    std::printf("raw_sender_get_ops_per_s %.0f\n", *raw);
    std::printf("ratio_get_vs_raw_sender %.2f\n", gets->ops_per_s / *raw);
  } else {
    std::printf("raw_sender_get_ops_per_s n/a (%s)\n", raw.error().message.c_str());
  }

  // Baseline 2: boto3, alternating put and get.
  nlohmann::json item_json = {{"user_id", {{"S", "bench-user"}}},
                              {"conversation_id", {{"S", "bench-conversation"}}},
                              {"messages", {{"S", std::string(options.item_bytes, 'm')}}},
                              {"timestamp", {{"N", "1700000000"}}}};
  auto boto3 = Boto3OpsPerSecond(client.endpoint_url(), options.table, item_json.dump(), half);
  if (boto3.ok()) {
    std::printf("boto3_ops_per_s %.0f\n", *boto3);
    std::printf("ratio_vs_boto3 %.2f\n", (puts->ops_per_s + gets->ops_per_s) / 2 / *boto3);
  } else {
    std::printf("boto3_ops_per_s n/a (%s)\n", boto3.error().message.c_str());
  }
  return 0;
}

}  // namespace mem0::bench

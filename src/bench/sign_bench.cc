// `mem0-bench sign`: SigV4 signing cost, the per-request work the client
// does before sending (it replaces the old wall-clock unit test, which
// asserted < 100 us; a release build signs a 1 KB PutItem in a few us).
#include <chrono>
#include <cstdio>
#include <string>

#include "aws/sigv4.h"
#include "bench/bench.h"

namespace mem0::bench {

int RunSignBench(const SignBenchOptions& options) {
  using SteadyClock = std::chrono::steady_clock;
  const std::string body(static_cast<size_t>(options.body_bytes), 'x');
  const aws::Credentials credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                     "session-token", std::nullopt};
  aws::sigv4::SigningParams params;
  params.region = "us-east-1";
  params.service = "dynamodb";
  params.time = std::chrono::system_clock::now();
  auto request = [&] {
    return aws::HttpRequest{"POST",
                            "https://dynamodb.us-east-1.amazonaws.com/",
                            {{"Content-Type", "application/x-amz-json-1.0"},
                             {"X-Amz-Target", "DynamoDB_20120810.PutItem"}},
                            body};
  };
  // With the signing-key cache (as the client signs), and without it (the
  // first request of a day, region or secret: four more HMACs).
  aws::sigv4::SigningKeyCache cache;
  for (bool cached : {true, false}) {
    const auto start = SteadyClock::now();
    for (int i = 0; i < options.iterations; ++i) {
      auto unsigned_request = request();
      auto signed_request = cached ? aws::sigv4::Sign(unsigned_request, credentials, params, cache)
                                   : aws::sigv4::Sign(unsigned_request, credentials, params);
      if (!signed_request.ok()) return Fail(signed_request.error());
    }
    const double micros =
        std::chrono::duration<double, std::micro>(SteadyClock::now() - start).count() /
        options.iterations;
    const std::string size =
        options.body_bytes == 1024 ? "kb" : std::to_string(options.body_bytes) + "b";
    std::printf("sign_us_per_%s%s %.2f\n", size.c_str(), cached ? "" : "_uncached", micros);
  }
  return 0;
}

}  // namespace mem0::bench

// Retries and endpoint resolution for the credential sources' HTTP calls
// (STS, SSO portal, SSO OIDC, ECS agent, instance metadata).
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <random>
#include <string>
#include <utility>

#include "aws/credentials_internal.h"

namespace mem0::aws::credentials_internal {
namespace {

std::optional<std::string> NonEmpty(const EnvironmentLookup& env, std::string_view name) {
  if (!env) return std::nullopt;
  auto value = env(name);
  if (!value || value->empty()) return std::nullopt;
  return value;
}

bool IsTrueValue(const std::optional<std::string>& value) {
  if (!value) return false;
  std::string lower;
  for (char c : *value) {
    if (!std::isspace(static_cast<unsigned char>(c))) {
      lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return lower == "true";
}

double Jitter(const RetrySettings& retry) {
  if (retry.jitter) return std::clamp(retry.jitter(), 0.0, 1.0);
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

// Full jitter: uniform in [0, min(cap, base * 2^attempt)).
std::chrono::milliseconds BackoffDelay(const RetrySettings& retry, int attempt) {
  double ceiling = static_cast<double>(retry.base_delay.count()) *
                   static_cast<double>(uint64_t{1} << std::min(attempt, 30));
  ceiling = std::min(ceiling, static_cast<double>(retry.max_delay.count()));
  return std::chrono::milliseconds(static_cast<int64_t>(Jitter(retry) * ceiling));
}

}  // namespace

RetrySettings MakeRetrySettings(const CredentialsChainOptions& options, int default_attempts) {
  RetrySettings retry;
  retry.max_attempts = options.max_attempts > 0 ? options.max_attempts : default_attempts;
  retry.sleeper = options.env.Resolved().sleeper;
  retry.jitter = options.jitter;
  return retry;
}

bool IsServerErrorOrThrottled(const HttpResponse& response) {
  return response.status >= 500 || response.status == 429;
}

Result<HttpResponse> SendWithRetries(HttpTransport& transport, const HttpRequest& request,
                                     const RetrySettings& retry, const RetryableAnswer& retryable,
                                     bool retry_network_errors) {
  const int max_attempts = std::max(1, retry.max_attempts);
  for (int attempt = 0;; ++attempt) {
    Result<HttpResponse> response = transport.Send(request);
    const bool last = attempt + 1 >= max_attempts;
    if (response.ok()) {
      if (last || !retryable || !retryable(*response)) return response;
    } else {
      const bool retry_this = retry_network_errors && response.error().retryable;
      if (last || !retry_this) {
        if (attempt == 0) return response;
        Error error = std::move(response).error();
        error.message += " (after " + std::to_string(attempt + 1) + " attempts)";
        return error;
      }
    }
    std::shared_ptr<Sleeper> sleeper = retry.sleeper ? retry.sleeper : RealSleeper();
    sleeper->Sleep(BackoffDelay(retry, attempt));
  }
}

std::string WithoutTrailingSlashes(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

std::string ServiceEndpoint(const EnvironmentLookup& env, std::string_view env_service,
                            std::string_view host_prefix, std::string_view region) {
  if (!IsTrueValue(NonEmpty(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"))) {
    if (auto url = NonEmpty(env, "AWS_ENDPOINT_URL_" + std::string(env_service))) {
      return WithoutTrailingSlashes(*url);
    }
    if (auto url = NonEmpty(env, "AWS_ENDPOINT_URL")) return WithoutTrailingSlashes(*url);
  }
  return "https://" + std::string(host_prefix) + "." + std::string(region) + "." +
         PartitionDnsSuffix(region);
}

}  // namespace mem0::aws::credentials_internal

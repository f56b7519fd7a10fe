// Internals shared by the credential sources: credentials.cc (chain, static,
// environment, credential_process, web identity, ECS, IMDS),
// credentials_http.cc (retries, endpoints), sts_credentials.cc (profiles that
// assume a role) and sso_credentials.cc (IAM Identity Center profiles).
//
// Internal header. Thread-safety: free functions are pure or touch only their
// arguments; a ProfileContext is used under the caching provider's refresh
// lock, one fetch at a time.
#ifndef MEM0_SRC_AWS_CREDENTIALS_INTERNAL_H_
#define MEM0_SRC_AWS_CREDENTIALS_INTERNAL_H_

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "aws/aws_profile.h"
#include "mem0/aws/credentials.h"
#include "mem0/aws/http.h"
#include "mem0/core/env.h"
#include "mem0/core/result.h"

namespace mem0::aws::credentials_internal {

// ---------------------------------------------------------------------------
// Helpers defined in credentials.cc.

// A configured source that failed (stops the chain).
Error SourceError(std::string message);
// As SourceError, keeping the cause's retryability and HTTP details (never
// its body).
Error SourceErrorFrom(std::string context, const Error& cause);
// ISO 8601 as AWS writes it (2024-05-01T12:00:00Z, fractions, +hh:mm).
std::optional<std::chrono::system_clock::time_point> ParseTimestamp(std::string_view text);
// Text of the first <tag>...</tag>, unescaped.
std::optional<std::string> XmlText(std::string_view xml, std::string_view tag);
// Percent-encoding of everything but unreserved characters.
std::string PercentEncode(std::string_view text);
// amazonaws.com, amazonaws.com.cn, ... for a region.
std::string PartitionDnsSuffix(std::string_view region);

// ---------------------------------------------------------------------------
// Retries and endpoints (credentials_http.cc).

// How STS, SSO, ECS and IMDS calls are retried: like data-plane calls,
// capped exponential backoff with full jitter.
struct RetrySettings {
  int max_attempts = 3;
  std::chrono::milliseconds base_delay{100};
  std::chrono::milliseconds max_delay{20000};
  std::shared_ptr<Sleeper> sleeper;  // null: RealSleeper()
  std::function<double()> jitter;    // uniform in [0, 1); null: a PRNG
};

// Attempt counts when CredentialsChainOptions::max_attempts is 0: the SDKs'
// 3 for the instance metadata service and botocore's container provider, 5
// (botocore's legacy retry mode) for STS and SSO.
inline constexpr int kMetadataAttempts = 3;
inline constexpr int kServiceAttempts = 5;

RetrySettings MakeRetrySettings(const CredentialsChainOptions& options, int default_attempts);

// Which answers are worth another attempt (network errors are decided by
// `retry_network_errors`).
using RetryableAnswer = std::function<bool(const HttpResponse&)>;

// 5xx and 429.
bool IsServerErrorOrThrottled(const HttpResponse& response);

// Sends `request` until an answer comes back that `retryable` does not want
// retried, or the attempts run out; sleeps between attempts. Returns the last
// answer (whatever its status) or the last network error, whose message then
// says how many attempts were made.
Result<HttpResponse> SendWithRetries(HttpTransport& transport, const HttpRequest& request,
                                     const RetrySettings& retry, const RetryableAnswer& retryable,
                                     bool retry_network_errors = true);

// The endpoint of an AWS service for these credential calls:
// AWS_ENDPOINT_URL_<SERVICE> (e.g. STS, SSO, SSO_OIDC), then AWS_ENDPOINT_URL
// (both ignored with AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true), then
// https://<host_prefix>.<region>.<partition suffix>. No trailing slash.
std::string ServiceEndpoint(const EnvironmentLookup& env, std::string_view env_service,
                            std::string_view host_prefix, std::string_view region);

std::string WithoutTrailingSlashes(std::string url);

// ---------------------------------------------------------------------------
// Shared-profile sources beyond static keys and credential_process.

// What resolving a profile needs from the rest of the chain.
struct ProfileContext {
  EnvironmentLookup env;
  std::shared_ptr<Clock> clock;
  // The transport for STS and SSO (created on first use).
  std::function<HttpTransport&()> transport;
  RetrySettings retry;       // STS, SSO portal and SSO OIDC calls
  std::string sts_endpoint;  // CredentialsChainOptions::sts_endpoint
  // Runs a profile's credential_process.
  std::function<Result<Credentials>(const std::string& command, const std::string& profile)>
      run_process;
  // Credentials from credential_source = Environment | Ec2InstanceMetadata |
  // EcsContainer, for `profile`.
  std::function<Result<Credentials>(const std::string& source, const std::string& profile)>
      credential_source;
};

// A profile with role_arn (and no web_identity_token_file): its source
// (source_profile, possibly a chain, or credential_source), then STS
// AssumeRole signed with the source's credentials. `profile` is the
// top-level profile, whose region also picks the STS endpoint.
Result<Credentials> AssumeRoleFromProfile(const ProfileContext& context, const std::string& profile,
                                          const profile::ProfileSettings& settings);

// Whether a profile asks for IAM Identity Center role credentials (it sets
// sso_account_id or sso_role_name, as botocore decides).
bool IsSsoProfile(const profile::ProfileSettings& settings);

// IAM Identity Center: the cached token (refreshed through SSO OIDC when it
// is near expiry and the profile uses an sso-session), then the portal's
// GetRoleCredentials.
Result<Credentials> SsoFromProfile(const ProfileContext& context, const std::string& profile,
                                   const profile::ProfileSettings& settings);

}  // namespace mem0::aws::credentials_internal

#endif  // MEM0_SRC_AWS_CREDENTIALS_INTERNAL_H_

// AWS credentials and the default provider chain, in the AWS SDKs' order:
//   1. explicit keys (config)
//   2. environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
//   3. shared files: ~/.aws/credentials and ~/.aws/config (AWS_PROFILE,
//      AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE), in this order:
//      a. assume role: role_arn with source_profile (static keys,
//         credential_process, SSO or another role profile; cycles are an
//         error) or credential_source (Environment, Ec2InstanceMetadata,
//         EcsContainer), then STS AssumeRole (external_id,
//         role_session_name, default mem0-cpp-<unix seconds>,
//         duration_seconds; mfa_serial is refused: no prompting)
//      b. static keys, then credential_process
//      c. IAM Identity Center: sso_session (an [sso-session] section) or
//         legacy sso_start_url, with sso_account_id and sso_role_name: the
//         token cached in ~/.aws/sso/cache by `aws sso login` (refreshed
//         through SSO OIDC near expiry for sso_session profiles), then the
//         portal's GetRoleCredentials
//      STS and SSO endpoints: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL_SSO,
//      AWS_ENDPOINT_URL_SSO_OIDC, AWS_ENDPOINT_URL, else regional.
//   4. web identity: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN through STS
//      AssumeRoleWithWebIdentity
//   5. ECS container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or
//      _FULL_URI, with AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)
//   6. EC2 instance metadata (IMDSv2), unless AWS_EC2_METADATA_DISABLED=true
// Temporary credentials are cached and refreshed before they expire.
//
// Secrets never appear in error messages or logs.
//
// Thread-safety: every provider is safe to share across threads; refresh
// happens under a lock, at most once at a time.
#ifndef MEM0_AWS_CREDENTIALS_H_
#define MEM0_AWS_CREDENTIALS_H_

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "mem0/aws/http.h"
#include "mem0/core/env.h"
#include "mem0/core/result.h"

namespace mem0::aws {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
  // Set for temporary credentials.
  std::optional<std::chrono::system_clock::time_point> expiration;
};

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  virtual Result<Credentials> GetCredentials() = 0;
};

struct CredentialsChainOptions {
  Env env;                              // clock, sleeper, environment; null: the real ones
  std::string profile;                  // empty: AWS_PROFILE, else "default"
  std::shared_ptr<HttpTransport> http;  // for STS/ECS/IMDS; null: a curl transport
  // Overrides for tests; empty means the real service addresses.
  std::string sts_endpoint;  // default: https://sts.<region>.amazonaws.com (regional)
  std::string
      imds_endpoint;  // default: AWS_EC2_METADATA_SERVICE_ENDPOINT or http://169.254.169.254
  // Refresh temporary credentials this long before they expire.
  std::chrono::seconds refresh_margin{300};
  // Retries of STS, SSO, ECS and IMDS calls, like data-plane calls: network
  // errors, 5xx and throttling are retried with capped exponential backoff
  // and full jitter; other 4xx answers (e.g. AccessDenied) are not.
  int max_attempts = 0;            // 0: 3 for IMDS and ECS, 5 for STS and SSO
  std::function<double()> jitter;  // uniform in [0, 1); null: a PRNG
};

std::shared_ptr<CredentialsProvider> MakeStaticCredentialsProvider(Credentials credentials);
std::shared_ptr<CredentialsProvider> MakeEnvironmentCredentialsProvider(EnvironmentLookup env);
std::shared_ptr<CredentialsProvider> MakeProfileCredentialsProvider(
    const CredentialsChainOptions& options);
std::shared_ptr<CredentialsProvider> MakeWebIdentityCredentialsProvider(
    const CredentialsChainOptions& options);
std::shared_ptr<CredentialsProvider> MakeContainerCredentialsProvider(
    const CredentialsChainOptions& options);
std::shared_ptr<CredentialsProvider> MakeInstanceMetadataCredentialsProvider(
    const CredentialsChainOptions& options);

// The chain above (without step 1: pass explicit keys to
// MakeStaticCredentialsProvider instead). The first provider that yields
// credentials is remembered and asked first next time.
std::shared_ptr<CredentialsProvider> MakeDefaultCredentialsChain(
    const CredentialsChainOptions& options = {});

// A value from the shared config file for a profile (e.g. "region"), looking
// at AWS_CONFIG_FILE / ~/.aws/config. nullopt when absent.
std::optional<std::string> ReadProfileSetting(const EnvironmentLookup& env,
                                              std::string_view profile, std::string_view key);

// Region: explicit, then AWS_REGION, AWS_DEFAULT_REGION, then the profile's
// `region`. Error when none is found, or when the one found is not a region
// name (IsValidRegionName).
// One DNS host label (letters, digits, inner hyphens, 1-63 characters), as
// botocore requires of a region before building an endpoint from it.
bool IsValidRegionName(std::string_view region);

Result<std::string> ResolveRegion(std::string_view explicit_region, const EnvironmentLookup& env,
                                  std::string_view profile);

// Endpoint: explicit, then AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL, then
// the regional endpoint for the region's partition
// (dynamodb.<region>.amazonaws.com, .amazonaws.com.cn for cn-*, us-gov-*).
std::string ResolveDynamoDBEndpoint(std::string_view explicit_endpoint,
                                    const EnvironmentLookup& env, std::string_view region);

}  // namespace mem0::aws

#endif  // MEM0_AWS_CREDENTIALS_H_

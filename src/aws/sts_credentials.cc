// Shared profiles that assume a role: role_arn with source_profile or
// credential_source, then STS AssumeRole, resolved as botocore does:
//   - a source profile with static keys (or without role_arn) gives its own
//     credentials: static keys, credential_process or IAM Identity Center;
//   - a source profile with role_arn (and no static keys) assumes its role
//     first, so profiles chain;
//   - a profile may name itself as source_profile when it holds static keys;
//     any other repeat is a cycle and an error;
//   - source_profile together with credential_source, or neither, is an error;
//   - mfa_serial is refused: there is no terminal to prompt for a code.
// Every STS call is SigV4-signed (service "sts") with the source credentials
// and sent to AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL or the regional
// endpoint of the top-level profile's region (us-east-1 when none).
#include <cctype>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "aws/credentials_internal.h"
#include "aws/sigv4.h"

namespace mem0::aws::credentials_internal {
namespace {

using profile::ProfileSettings;

// Role session names default to this prefix and the time in Unix seconds,
// like botocore's "botocore-session-<seconds>" (and as the web identity
// provider names its sessions).
constexpr char kSessionNamePrefix[] = "mem0-cpp-";

std::string Quote(std::string_view text) { return std::string("\"").append(text).append("\""); }

bool Has(const ProfileSettings& settings, const std::string& key) {
  return settings.find(key) != settings.end();
}

std::optional<std::string> Value(const ProfileSettings& settings, const std::string& key) {
  auto it = settings.find(key);
  if (it == settings.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

bool HasStaticKeys(const ProfileSettings& settings) {
  return Has(settings, "aws_access_key_id") || Has(settings, "aws_secret_access_key");
}

bool HasRoleConfig(const ProfileSettings& settings) {
  return Has(settings, "role_arn") && !Has(settings, "web_identity_token_file");
}

std::string Path(const std::vector<std::string>& visited, const std::string& next) {
  std::string path;
  for (const auto& profile : visited) path += Quote(profile) + " -> ";
  return path + Quote(next);
}

// STS answers worth another attempt.
bool RetryableStsAnswer(const HttpResponse& response) {
  if (IsServerErrorOrThrottled(response)) return true;
  std::string code = XmlText(response.body, "Code").value_or("");
  return code == "Throttling" || code == "ThrottlingException" || code == "RequestLimitExceeded" ||
         code == "IDPCommunicationError";
}

Error AssumeRoleError(const HttpResponse& response, const std::string& what) {
  std::string code = XmlText(response.body, "Code").value_or("");
  std::string message = XmlText(response.body, "Message").value_or("");
  Error error = MakeError(
      ErrorCode::kCredentialsError,
      what + " failed: " + (message.empty() ? "HTTP " + std::to_string(response.status) : message),
      code.empty() ? "StsError" : code);
  error.http_status = response.status;
  error.request_id = XmlText(response.body, "RequestId").value_or("");
  if (const std::string* header = response.Header("x-amzn-requestid");
      header != nullptr && error.request_id.empty()) {
    error.request_id = *header;
  }
  error.retryable = RetryableStsAnswer(response);
  return error;
}

class RoleResolver {
 public:
  RoleResolver(const ProfileContext& context, const std::string& profile)
      : context_(context), top_profile_(profile) {}

  Result<Credentials> Assume(const std::string& profile, const ProfileSettings& settings) {
    visited_.push_back(profile);
    const std::string label = "shared profile " + Quote(profile);
    const std::string role_arn = Value(settings, "role_arn").value_or("");
    if (role_arn.empty()) return SourceError(label + " has an empty role_arn");
    if (Has(settings, "mfa_serial")) {
      return SourceError(label + " sets mfa_serial; mem0-cpp cannot prompt for an MFA code (use " +
                         "credential_process, or credentials from `aws sts assume-role`)");
    }
    auto source_profile = Value(settings, "source_profile");
    auto credential_source = Value(settings, "credential_source");
    if (source_profile && credential_source) {
      return SourceError(label + " sets both source_profile and credential_source");
    }
    if (!source_profile && !credential_source) {
      return SourceError(label + " sets role_arn but neither source_profile nor credential_source");
    }

    Result<Credentials> source = credential_source
                                     ? context_.credential_source(*credential_source, profile)
                                     : FromSourceProfile(profile, *source_profile);
    if (!source.ok()) return std::move(source).error();
    return CallAssumeRole(*source, profile, role_arn, settings);
  }

 private:
  Result<Credentials> FromSourceProfile(const std::string& parent, const std::string& name) {
    const std::string label =
        "source_profile " + Quote(name) + " of shared profile " + Quote(parent);
    std::optional<ProfileSettings> settings = profile::LoadProfile(context_.env, name);
    if (!settings) return SourceError(label + " does not exist");
    for (const auto& seen : visited_) {
      if (seen != name) continue;
      // A profile may use its own static keys as the source of its role.
      if (name != parent || !HasStaticKeys(*settings)) {
        return SourceError("shared profiles form a source_profile cycle: " + Path(visited_, name));
      }
    }
    if (HasStaticKeys(*settings) || !HasRoleConfig(*settings)) {
      visited_.push_back(name);
      return OwnCredentials(name, *settings, label);
    }
    return Assume(name, *settings);
  }

  // A source profile's own credentials, without assuming its role.
  Result<Credentials> OwnCredentials(const std::string& name, const ProfileSettings& settings,
                                     const std::string& label) {
    if (HasStaticKeys(settings)) {
      auto access_key_id = Value(settings, "aws_access_key_id");
      auto secret_access_key = Value(settings, "aws_secret_access_key");
      if (!access_key_id || !secret_access_key) {
        return SourceError(label + " needs both aws_access_key_id and aws_secret_access_key");
      }
      Credentials credentials;
      credentials.access_key_id = *access_key_id;
      credentials.secret_access_key = *secret_access_key;
      credentials.session_token = Value(settings, "aws_session_token").value_or("");
      return credentials;
    }
    if (auto command = Value(settings, "credential_process")) {
      return context_.run_process(*command, name);
    }
    if (IsSsoProfile(settings)) return SsoFromProfile(context_, name, settings);
    if (Has(settings, "web_identity_token_file")) {
      return SourceError(label +
                         " uses web_identity_token_file, which mem0-cpp does not support as a "
                         "source_profile");
    }
    return SourceError(label + " has no credentials");
  }

  std::string Region() const {
    Result<std::string> region = ResolveRegion("", context_.env, top_profile_);
    return region.ok() ? region.value() : "us-east-1";
  }

  std::string Endpoint(const std::string& region) const {
    if (!context_.sts_endpoint.empty()) return WithoutTrailingSlashes(context_.sts_endpoint);
    return ServiceEndpoint(context_.env, "STS", "sts", region);
  }

  Result<Credentials> CallAssumeRole(const Credentials& source, const std::string& profile,
                                     const std::string& role_arn, const ProfileSettings& settings) {
    const std::string what =
        "STS AssumeRole of " + role_arn + " for shared profile " + Quote(profile);
    std::string session_name = Value(settings, "role_session_name").value_or("");
    if (session_name.empty()) {
      auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
          context_.clock->Now().time_since_epoch());
      session_name = kSessionNamePrefix + std::to_string(seconds.count());
    }
    std::string body = "Action=AssumeRole&Version=2011-06-15&RoleArn=" + PercentEncode(role_arn) +
                       "&RoleSessionName=" + PercentEncode(session_name);
    if (auto external_id = Value(settings, "external_id")) {
      body += "&ExternalId=" + PercentEncode(*external_id);
    }
    if (auto duration = Value(settings, "duration_seconds")) {
      bool digits = duration->size() <= 6;
      for (char c : *duration) digits = digits && std::isdigit(static_cast<unsigned char>(c));
      if (!digits) {
        return SourceError("shared profile " + Quote(profile) +
                           ": duration_seconds must be a whole number of seconds, not " +
                           Quote(*duration));
      }
      body += "&DurationSeconds=" + *duration;
    }

    const std::string region = Region();
    HttpRequest request;
    request.method = "POST";
    request.url = Endpoint(region) + "/";
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    request.body = std::move(body);
    sigv4::SigningParams params;
    params.region = region;
    params.service = "sts";
    params.time = context_.clock->Now();
    if (auto signed_request = sigv4::Sign(request, source, params); !signed_request.ok()) {
      return SourceErrorFrom(what, signed_request.error());
    }

    Result<HttpResponse> response =
        SendWithRetries(context_.transport(), request, context_.retry, RetryableStsAnswer);
    if (!response.ok()) return SourceErrorFrom(what, response.error());
    if (response->status != 200) return AssumeRoleError(*response, what);

    auto block = XmlText(response->body, "Credentials");
    if (!block) return SourceError(what + ": the response has no Credentials");
    Credentials credentials;
    credentials.access_key_id = XmlText(*block, "AccessKeyId").value_or("");
    credentials.secret_access_key = XmlText(*block, "SecretAccessKey").value_or("");
    credentials.session_token = XmlText(*block, "SessionToken").value_or("");
    if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
      return SourceError(what + ": the response lacks AccessKeyId or SecretAccessKey");
    }
    if (auto expiration = XmlText(*block, "Expiration")) {
      credentials.expiration = ParseTimestamp(*expiration);
      if (!credentials.expiration) return SourceError(what + ": the response has a bad Expiration");
    }
    return credentials;
  }

  const ProfileContext& context_;
  const std::string top_profile_;
  std::vector<std::string> visited_;
};

}  // namespace

Result<Credentials> AssumeRoleFromProfile(const ProfileContext& context, const std::string& profile,
                                          const profile::ProfileSettings& settings) {
  RoleResolver resolver(context, profile);
  return resolver.Assume(profile, settings);
}

}  // namespace mem0::aws::credentials_internal

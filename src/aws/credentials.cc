#include "mem0/aws/credentials.h"

#include <sys/wait.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>
#include <vector>

#include "aws/aws_profile.h"
#include "aws/credentials_internal.h"
#include "core/strings.h"
#include "core/time_format.h"
#include "core/url.h"

namespace mem0::aws {
namespace {

using std::chrono::system_clock;
using TimePoint = system_clock::time_point;

// Error type of a provider that found nothing to work with (no variables, no
// profile, no instance role). The chain moves on past these; any other error
// means the source is configured but broken, and stops the chain.
constexpr char kNotConfiguredType[] = "CredentialsNotConfigured";

// After a failed refresh while the cached credentials are still valid, wait
// this long before asking the source again rather than on every call.
constexpr std::chrono::seconds kRetryAfterFailedRefresh{10};

constexpr char kEcsHost[] = "http://169.254.170.2";
constexpr char kDefaultImdsEndpoint[] = "http://169.254.169.254";
constexpr char kDefaultImdsIpv6Endpoint[] = "http://[fd00:ec2::254]";
constexpr char kImdsTokenTtlSeconds[] = "21600";
// Refresh the IMDS session token a minute before its six hours run out.
constexpr std::chrono::seconds kImdsTokenLifetime{21600 - 60};
// credential_process output beyond this is refused (as in the SDKs).
constexpr size_t kMaxProcessOutput = 64 * 1024;

Error NotConfigured(std::string message) {
  return MakeError(ErrorCode::kCredentialsError, std::move(message), kNotConfiguredType);
}

bool IsNotConfigured(const Error& error) { return error.type == kNotConfiguredType; }

Error CredentialsError(std::string message) {
  return MakeError(ErrorCode::kCredentialsError, std::move(message));
}

// A credentials failure caused by another error (network, HTTP status):
// keeps its retryability and HTTP details, never its body.
Error CredentialsErrorFrom(std::string context, const Error& cause) {
  Error error = CredentialsError(std::move(context) + ": " + cause.message);
  error.retryable = cause.retryable;
  error.http_status = cause.http_status;
  error.request_id = cause.request_id;
  return error;
}

std::string Quote(std::string_view text) { return "\"" + std::string(text) + "\""; }

// Environment lookups treat empty values as unset, as the SDKs do.
std::optional<std::string> EnvValue(const EnvironmentLookup& env, std::string_view name) {
  if (!env) return std::nullopt;
  auto value = env(name);
  if (!value || value->empty()) return std::nullopt;
  return value;
}

std::optional<std::string> Setting(const profile::ProfileSettings* profile,
                                   const std::string& key) {
  if (profile == nullptr) return std::nullopt;
  auto it = profile->find(key);
  if (it == profile->end() || it->second.empty()) return std::nullopt;
  return it->second;
}

std::optional<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return text.str();
}

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string XmlUnescape(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out += text[i];
      continue;
    }
    size_t semicolon = text.find(';', i);
    if (semicolon == std::string_view::npos) {
      out += text.substr(i);
      break;
    }
    std::string_view entity = text.substr(i + 1, semicolon - i - 1);
    if (entity == "amp") {
      out += '&';
    } else if (entity == "lt") {
      out += '<';
    } else if (entity == "gt") {
      out += '>';
    } else if (entity == "quot") {
      out += '"';
    } else if (entity == "apos") {
      out += '\'';
    } else if (!entity.empty() && entity[0] == '#') {
      unsigned long code = entity.size() > 1 && (entity[1] == 'x' || entity[1] == 'X')
                               ? std::strtoul(std::string(entity.substr(2)).c_str(), nullptr, 16)
                               : std::strtoul(std::string(entity.substr(1)).c_str(), nullptr, 10);
      if (code < 0x80) {
        out += static_cast<char>(code);
      } else {
        out += '?';  // STS only escapes ASCII; non-ASCII would need UTF-8 encoding
      }
    } else {
      out += text.substr(i, semicolon - i + 1);
    }
    i = semicolon;
  }
  return out;
}

// Text of the first <tag>...</tag> in `xml`; STS's answers are simple enough
// that tag extraction suffices.
std::optional<std::string> XmlElement(std::string_view xml, std::string_view tag) {
  std::string open = "<" + std::string(tag) + ">";
  std::string close = "</" + std::string(tag) + ">";
  size_t start = xml.find(open);
  if (start == std::string_view::npos) return std::nullopt;
  start += open.size();
  size_t end = xml.find(close, start);
  if (end == std::string_view::npos) return std::nullopt;
  return XmlUnescape(Trim(xml.substr(start, end - start)));
}

// The hosts the SDKs allow for AWS_CONTAINER_CREDENTIALS_FULL_URI over plain
// http: loopback, the ECS agent and the EKS Pod Identity agent.
bool IsAllowedContainerHost(std::string_view text) {
  auto url = ParseUrl(text);
  if (!url.ok()) return false;
  if (url->tls()) return true;
  const std::string& host = url->host;
  return IsLoopbackHost(host) || host == "169.254.170.2" || host == "169.254.170.23" ||
         host == "fd00:ec2::23";
}

// The DNS suffix of the partition a region belongs to.
std::string DnsSuffix(std::string_view region) {
  auto starts = [&](std::string_view prefix) { return region.substr(0, prefix.size()) == prefix; };
  if (starts("cn-")) return "amazonaws.com.cn";
  if (starts("us-isob-")) return "sc2s.sgov.gov";
  if (starts("us-isof-")) return "csp.hci.ic.gov";
  if (starts("us-iso-")) return "c2s.ic.gov";
  if (starts("eu-isoe-")) return "cloud.adc-e.uk";
  return "amazonaws.com";  // aws and aws-us-gov
}

std::string WithoutTrailingSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// Parses the JSON credential documents of credential_process, ECS and IMDS.
// `token_key` is "SessionToken" (process) or "Token" (ECS, IMDS). Messages
// name the source, never the document (it holds the secret).
Result<Credentials> ParseJsonCredentials(std::string_view body, std::string_view token_key,
                                         const std::string& source) {
  nlohmann::json document = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!document.is_object()) return CredentialsError(source + " returned invalid JSON");
  auto text = [&](std::string_view key) -> std::optional<std::string> {
    auto it = document.find(std::string(key));
    if (it == document.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  Credentials credentials;
  auto access_key_id = text("AccessKeyId");
  auto secret_access_key = text("SecretAccessKey");
  if (!access_key_id || access_key_id->empty() || !secret_access_key ||
      secret_access_key->empty()) {
    return CredentialsError(source + " returned no AccessKeyId or SecretAccessKey");
  }
  credentials.access_key_id = std::move(*access_key_id);
  credentials.secret_access_key = std::move(*secret_access_key);
  credentials.session_token = text(token_key).value_or("");
  if (auto expiration = text("Expiration"); expiration && !expiration->empty()) {
    credentials.expiration = ParseIso8601(*expiration);
    if (!credentials.expiration) {
      return CredentialsError(source +
                              " returned an Expiration that is not ISO 8601: " + *expiration);
    }
  }
  return credentials;
}

HttpTransportOptions TransportWithTimeouts(std::chrono::milliseconds connect,
                                           std::chrono::milliseconds request) {
  HttpTransportOptions options;
  options.connect_timeout = connect;
  options.request_timeout = request;
  return options;
}

// Creates the transport on first use, so that a chain that stops at the
// environment never builds curl handles for IMDS.
class LazyTransport {
 public:
  LazyTransport(std::shared_ptr<HttpTransport> transport, HttpTransportOptions options)
      : transport_(std::move(transport)), options_(options) {}

  HttpTransport& Get() {
    std::call_once(once_, [this] {
      if (!transport_) transport_ = MakeCurlTransport(options_);
    });
    return *transport_;
  }

 private:
  std::shared_ptr<HttpTransport> transport_;
  HttpTransportOptions options_;
  std::once_flag once_;
};

// ---------------------------------------------------------------------------
// Caching and refresh.

// Serves credentials from a fetch function until `expiration - margin`, then
// fetches again. One thread refreshes at a time; threads arriving meanwhile
// wait for it and take its result. When a refresh fails but the cached
// credentials have not actually expired yet, those keep being served (and
// the source is asked again after kRetryAfterFailedRefresh).
class CachingCredentialsProvider final : public CredentialsProvider {
 public:
  using Fetch = std::function<Result<Credentials>()>;

  CachingCredentialsProvider(Fetch fetch, std::shared_ptr<Clock> clock,
                             std::chrono::seconds refresh_margin)
      : fetch_(std::move(fetch)),
        clock_(clock ? std::move(clock) : SystemClock()),
        refresh_margin_(refresh_margin) {}

  Result<Credentials> GetCredentials() override {
    if (auto cached = CachedIfFresh()) return *std::move(cached);
    std::lock_guard<std::mutex> refresh_lock(refresh_mutex_);
    // Another thread may have refreshed while this one waited.
    if (auto cached = CachedIfFresh()) return *std::move(cached);

    Result<Credentials> fetched = fetch_();
    const TimePoint now = clock_->Now();
    std::lock_guard<std::mutex> lock(state_mutex_);
    if (fetched.ok()) {
      cached_ = fetched.value();
      refresh_at_ = NextRefresh(*cached_, now);
      return fetched;
    }
    if (!IsNotConfigured(fetched.error()) && cached_ && cached_->expiration &&
        now < *cached_->expiration) {
      refresh_at_ = std::min(now + kRetryAfterFailedRefresh, *cached_->expiration);
      return *cached_;
    }
    cached_.reset();
    return fetched;
  }

 private:
  std::optional<Credentials> CachedIfFresh() {
    const TimePoint now = clock_->Now();
    std::lock_guard<std::mutex> lock(state_mutex_);
    if (cached_ && now < refresh_at_) return cached_;
    return std::nullopt;
  }

  TimePoint NextRefresh(const Credentials& credentials, TimePoint now) const {
    if (!credentials.expiration) return TimePoint::max();  // long-term keys
    const TimePoint expiration = *credentials.expiration;
    const TimePoint planned = expiration - refresh_margin_;
    if (planned > now) return planned;
    // Issued with less than the margin left: use them a little rather than
    // fetching again on every call.
    return std::min(now + kRetryAfterFailedRefresh, expiration);
  }

  const Fetch fetch_;
  const std::shared_ptr<Clock> clock_;
  const std::chrono::seconds refresh_margin_;
  std::mutex refresh_mutex_;  // held while fetching; serialises refreshes
  std::mutex state_mutex_;    // guards cached_ and refresh_at_
  std::optional<Credentials> cached_;
  TimePoint refresh_at_{};
};

std::shared_ptr<CredentialsProvider> MakeCaching(CachingCredentialsProvider::Fetch fetch,
                                                 const CredentialsChainOptions& options) {
  return std::make_shared<CachingCredentialsProvider>(
      std::move(fetch), options.env.Resolved().clock, options.refresh_margin);
}

// ---------------------------------------------------------------------------
// Static and environment.

class StaticCredentialsProvider final : public CredentialsProvider {
 public:
  explicit StaticCredentialsProvider(Credentials credentials)
      : credentials_(std::move(credentials)) {}

  Result<Credentials> GetCredentials() override {
    if (credentials_.access_key_id.empty() || credentials_.secret_access_key.empty()) {
      return CredentialsError("static credentials need both an access key id and a secret key");
    }
    return credentials_;
  }

 private:
  const Credentials credentials_;
};

class EnvironmentCredentialsProvider final : public CredentialsProvider {
 public:
  explicit EnvironmentCredentialsProvider(EnvironmentLookup env) : env_(std::move(env)) {}

  Result<Credentials> GetCredentials() override {
    auto access_key_id = EnvValue(env_, "AWS_ACCESS_KEY_ID");
    auto secret_access_key = EnvValue(env_, "AWS_SECRET_ACCESS_KEY");
    if (!access_key_id && !secret_access_key) {
      return NotConfigured("environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set");
    }
    // Half a key pair is a mistake worth reporting, not a reason to silently
    // pick up some other identity further down the chain.
    if (!access_key_id) {
      return CredentialsError(
          "environment: AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not");
    }
    if (!secret_access_key) {
      return CredentialsError(
          "environment: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
    }
    Credentials credentials;
    credentials.access_key_id = std::move(*access_key_id);
    credentials.secret_access_key = std::move(*secret_access_key);
    credentials.session_token = EnvValue(env_, "AWS_SESSION_TOKEN").value_or("");
    return credentials;
  }

 private:
  const EnvironmentLookup env_;
};

// ---------------------------------------------------------------------------
// Shared profile: static keys and credential_process.

// Runs `command` through /bin/sh -c and returns its standard output; stderr
// goes to ours, as with the SDKs, so the tool can prompt or explain.
Result<std::string> RunCommand(const std::string& command, const std::string& what) {
  // "e": close-on-exec, so concurrently spawned children do not inherit the pipe.
  FILE* pipe = ::popen(command.c_str(), "re");
  if (pipe == nullptr) return CredentialsError(what + " could not be started");
  std::string output;
  char buffer[4096];
  bool too_long = false;
  size_t count;
  while ((count = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    if (output.size() + count > kMaxProcessOutput) {
      too_long = true;
      continue;  // keep draining so the child is not killed by SIGPIPE mid-write
    }
    output.append(buffer, count);
  }
  int status = ::pclose(pipe);
  if (status == -1) return CredentialsError(what + " could not be waited for");
  if (WIFSIGNALED(status)) {
    return CredentialsError(what + " was killed by signal " + std::to_string(WTERMSIG(status)));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    // 127 is the shell's "command not found".
    return CredentialsError(what + " exited with status " + std::to_string(code));
  }
  if (too_long) {
    return CredentialsError(what + " printed more than " + std::to_string(kMaxProcessOutput) +
                            " bytes");
  }
  return output;
}

Result<Credentials> RunCredentialProcess(const std::string& command, const std::string& profile) {
  const std::string what = "credential_process for profile " + Quote(profile);
  MEM0_ASSIGN_OR_RETURN(std::string output, RunCommand(command, what));
  nlohmann::json document = nlohmann::json::parse(output, nullptr, /*allow_exceptions=*/false);
  if (!document.is_object()) return CredentialsError(what + " printed invalid JSON");
  auto version = document.find("Version");
  if (version == document.end() || !version->is_number_integer() || version->get<int>() != 1) {
    return CredentialsError(what + " printed an unsupported Version (expected 1)");
  }
  return ParseJsonCredentials(output, "SessionToken", what);
}

Result<Credentials> FetchProfileCredentials(const credentials_internal::ProfileContext& context,
                                            const std::string& explicit_profile) {
  const EnvironmentLookup& env = context.env;
  const std::string profile = profile::ResolveProfileName(env, explicit_profile);
  std::optional<profile::ProfileSettings> settings = profile::LoadProfile(env, profile);
  const std::string label = "shared profile " + Quote(profile);
  if (!settings) {
    std::string paths = profile::CredentialsFilePath(env) + " or " + profile::ConfigFilePath(env);
    // Only the implicit "default" may be absent: a profile the user named
    // (options or AWS_PROFILE) that does not exist is a mistake, as in the
    // AWS CLI, not a reason to fall through to another identity.
    const bool named = !explicit_profile.empty() || EnvValue(env, "AWS_PROFILE").has_value();
    if (named) return CredentialsError(label + " not found in " + paths);
    return NotConfigured(label + ": not found in " + paths);
  }
  const profile::ProfileSettings* p = &*settings;

  // Role profiles come first, as in the SDKs. Web identity ones belong to the
  // web identity provider, later in the chain.
  if (Setting(p, "role_arn")) {
    if (Setting(p, "web_identity_token_file")) {
      return NotConfigured(label + ": uses web_identity_token_file (web identity provider)");
    }
    return credentials_internal::AssumeRoleFromProfile(context, profile, *settings);
  }

  auto access_key_id = Setting(p, "aws_access_key_id");
  auto secret_access_key = Setting(p, "aws_secret_access_key");
  if (access_key_id || secret_access_key) {
    if (!access_key_id || !secret_access_key) {
      return CredentialsError(label + " needs both aws_access_key_id and aws_secret_access_key");
    }
    Credentials credentials;
    credentials.access_key_id = std::move(*access_key_id);
    credentials.secret_access_key = std::move(*secret_access_key);
    credentials.session_token = Setting(p, "aws_session_token").value_or("");
    return credentials;
  }

  if (auto command = Setting(p, "credential_process")) {
    return RunCredentialProcess(*command, profile);
  }

  if (credentials_internal::IsSsoProfile(*settings)) {
    return credentials_internal::SsoFromProfile(context, profile, *settings);
  }
  if (Setting(p, "sso_session") || Setting(p, "sso_start_url")) {
    return NotConfigured(label + ": sets sso_session or sso_start_url but not sso_account_id " +
                         "and sso_role_name");
  }
  return NotConfigured(label + ": has no credentials");
}

// ---------------------------------------------------------------------------
// Web identity (STS AssumeRoleWithWebIdentity).

struct WebIdentitySettings {
  std::string token_file;
  std::string role_arn;
  std::string session_name;  // empty: generated
};

Result<WebIdentitySettings> ResolveWebIdentity(const EnvironmentLookup& env,
                                               const std::string& explicit_profile) {
  WebIdentitySettings settings;
  if (auto token_file = EnvValue(env, "AWS_WEB_IDENTITY_TOKEN_FILE")) {
    settings.token_file = profile::ExpandHome(env, *token_file);
    auto role_arn = EnvValue(env, "AWS_ROLE_ARN");
    if (!role_arn) {
      return CredentialsError(
          "web identity: AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN "
          "is not");
    }
    settings.role_arn = *role_arn;
    settings.session_name = EnvValue(env, "AWS_ROLE_SESSION_NAME").value_or("");
    return settings;
  }
  const std::string profile = profile::ResolveProfileName(env, explicit_profile);
  auto profile_settings = profile::LoadProfile(env, profile);
  const profile::ProfileSettings* p = profile_settings ? &*profile_settings : nullptr;
  auto token_file = Setting(p, "web_identity_token_file");
  if (!token_file) {
    return NotConfigured("web identity: AWS_WEB_IDENTITY_TOKEN_FILE is not set and profile " +
                         Quote(profile) + " has no web_identity_token_file");
  }
  auto role_arn = Setting(p, "role_arn");
  if (!role_arn) {
    return CredentialsError("web identity: profile " + Quote(profile) +
                            " has web_identity_token_file but no role_arn");
  }
  settings.token_file = profile::ExpandHome(env, *token_file);
  settings.role_arn = *role_arn;
  settings.session_name = Setting(p, "role_session_name").value_or("");
  return settings;
}

Error StsError(const HttpResponse& response, const std::string& role_arn) {
  std::string code = XmlElement(response.body, "Code").value_or("");
  std::string message = XmlElement(response.body, "Message").value_or("");
  Error error = MakeError(
      ErrorCode::kCredentialsError,
      "AssumeRoleWithWebIdentity for " + role_arn +
          " failed: " + (message.empty() ? "HTTP " + std::to_string(response.status) : message),
      code.empty() ? "StsError" : code);
  error.http_status = response.status;
  error.request_id = XmlElement(response.body, "RequestId").value_or("");
  if (const std::string* header = response.Header("x-amzn-requestid");
      header != nullptr && error.request_id.empty()) {
    error.request_id = *header;
  }
  // The SDKs retry these: the identity provider may be briefly unreachable.
  error.retryable = response.status >= 500 || code == "IDPCommunicationError" ||
                    code == "InvalidIdentityToken" || code == "Throttling";
  return error;
}

class WebIdentityFetcher {
 public:
  explicit WebIdentityFetcher(const CredentialsChainOptions& options)
      : env_(options.env.Resolved().environment),
        profile_(options.profile),
        sts_endpoint_(options.sts_endpoint),
        clock_(options.env.Resolved().clock),
        transport_(std::make_shared<LazyTransport>(options.http, HttpTransportOptions{})),
        retry_(credentials_internal::MakeRetrySettings(options,
                                                       credentials_internal::kServiceAttempts)) {}

  Result<Credentials> operator()() const {
    MEM0_ASSIGN_OR_RETURN(WebIdentitySettings settings, ResolveWebIdentity(env_, profile_));
    // Re-read on every refresh: the token file is rotated underneath us.
    auto token = ReadWholeFile(settings.token_file);
    if (!token) {
      return CredentialsError("web identity: cannot read token file " + settings.token_file);
    }
    std::string_view trimmed_token = Trim(*token);
    if (trimmed_token.empty()) {
      return CredentialsError("web identity: token file " + settings.token_file + " is empty");
    }
    std::string session_name = settings.session_name;
    if (session_name.empty()) {
      auto seconds =
          std::chrono::duration_cast<std::chrono::seconds>(clock_->Now().time_since_epoch());
      session_name = "mem0-cpp-" + std::to_string(seconds.count());
    }

    HttpRequest request;
    request.method = "POST";
    request.url = StsEndpoint() + "/";
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                       {"Accept", "application/xml"}};
    request.body = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=" +
                   UrlEncode(settings.role_arn) + "&RoleSessionName=" + UrlEncode(session_name) +
                   "&WebIdentityToken=" + UrlEncode(trimmed_token);
    // Throttling and an identity provider that is briefly unreachable are
    // worth another attempt; InvalidIdentityToken and AccessDenied are not.
    Result<HttpResponse> response = credentials_internal::SendWithRetries(
        transport_->Get(), request, retry_, [](const HttpResponse& answer) {
          std::string code = XmlElement(answer.body, "Code").value_or("");
          return credentials_internal::IsServerErrorOrThrottled(answer) || code == "Throttling" ||
                 code == "IDPCommunicationError";
        });
    if (!response.ok()) {
      return CredentialsErrorFrom("web identity: STS AssumeRoleWithWebIdentity", response.error());
    }
    if (response->status != 200) return StsError(*response, settings.role_arn);

    auto block = XmlElement(response->body, "Credentials");
    const std::string what = "web identity: STS response for " + settings.role_arn;
    if (!block) return CredentialsError(what + " has no Credentials");
    Credentials credentials;
    credentials.access_key_id = XmlElement(*block, "AccessKeyId").value_or("");
    credentials.secret_access_key = XmlElement(*block, "SecretAccessKey").value_or("");
    credentials.session_token = XmlElement(*block, "SessionToken").value_or("");
    if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
      return CredentialsError(what + " lacks AccessKeyId or SecretAccessKey");
    }
    if (auto expiration = XmlElement(*block, "Expiration")) {
      credentials.expiration = ParseIso8601(*expiration);
      if (!credentials.expiration) return CredentialsError(what + " has a bad Expiration");
    }
    return credentials;
  }

 private:
  std::string StsEndpoint() const {
    if (!sts_endpoint_.empty()) return WithoutTrailingSlash(sts_endpoint_);
    Result<std::string> region = ResolveRegion("", env_, profile_);
    std::string name = region.ok() ? region.value() : "us-east-1";
    return credentials_internal::ServiceEndpoint(env_, "STS", "sts", name);
  }

  const EnvironmentLookup env_;
  const std::string profile_;
  const std::string sts_endpoint_;
  const std::shared_ptr<Clock> clock_;
  const std::shared_ptr<LazyTransport> transport_;
  const credentials_internal::RetrySettings retry_;
};

// ---------------------------------------------------------------------------
// Container (ECS task role, EKS Pod Identity).

class ContainerFetcher {
 public:
  explicit ContainerFetcher(const CredentialsChainOptions& options)
      : env_(options.env.Resolved().environment),
        transport_(std::make_shared<LazyTransport>(
            options.http, TransportWithTimeouts(std::chrono::seconds(2), std::chrono::seconds(5)))),
        retry_(credentials_internal::MakeRetrySettings(options,
                                                       credentials_internal::kMetadataAttempts)) {}

  Result<Credentials> operator()() const {
    std::string url;
    if (auto relative = EnvValue(env_, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
      url = std::string(kEcsHost) + (relative->front() == '/' ? "" : "/") + *relative;
    } else if (auto full = EnvValue(env_, "AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
      url = *full;
      if (!IsAllowedContainerHost(url)) {
        return CredentialsError("container: AWS_CONTAINER_CREDENTIALS_FULL_URI host " +
                                Quote(HostOfUrl(url)) +
                                " is not allowed; use https, a loopback address, 169.254.170.2 "
                                "or 169.254.170.23");
      }
    } else {
      return NotConfigured(
          "container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set");
    }

    HttpRequest request;
    request.method = "GET";
    request.url = url;
    request.headers = {{"Accept", "application/json"}};
    MEM0_ASSIGN_OR_RETURN(std::optional<std::string> authorization, AuthorizationToken());
    if (authorization) request.headers.emplace_back("Authorization", *authorization);

    Result<HttpResponse> response = credentials_internal::SendWithRetries(
        transport_->Get(), request, retry_, credentials_internal::IsServerErrorOrThrottled);
    if (!response.ok()) return CredentialsErrorFrom("container: " + url, response.error());
    if (response->status != 200) {
      Error error = CredentialsError("container: " + url + " answered HTTP " +
                                     std::to_string(response->status) + ServiceMessage(*response));
      error.http_status = response->status;
      error.retryable = response->status >= 500 || response->status == 429;
      return error;
    }
    return ParseJsonCredentials(response->body, "Token", "container: " + url);
  }

 private:
  // The token file wins over the variable (it is rotated by the agent).
  Result<std::optional<std::string>> AuthorizationToken() const {
    std::optional<std::string> token;
    if (auto path = EnvValue(env_, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
      auto contents = ReadWholeFile(*path);
      if (!contents) {
        return CredentialsError("container: cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " +
                                *path);
      }
      token = std::string(Trim(*contents));
    } else {
      token = EnvValue(env_, "AWS_CONTAINER_AUTHORIZATION_TOKEN");
    }
    // A line break would let the token inject headers.
    if (token && token->find_first_of("\r\n") != std::string::npos) {
      return CredentialsError("container: the authorization token contains a line break");
    }
    if (token && token->empty()) token.reset();
    return token;
  }

  // The agent's {"code","message"} error, when it sent one.
  static std::string ServiceMessage(const HttpResponse& response) {
    nlohmann::json document =
        nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
    if (!document.is_object()) return {};
    auto message = document.find("message");
    if (message == document.end()) message = document.find("Message");
    if (message == document.end() || !message->is_string()) return {};
    return ": " + message->get<std::string>();
  }

  const EnvironmentLookup env_;
  const std::shared_ptr<LazyTransport> transport_;
  const credentials_internal::RetrySettings retry_;
};

// ---------------------------------------------------------------------------
// EC2 instance metadata (IMDSv2, with the SDKs' IMDSv1 fallback).

bool IsTrue(const std::optional<std::string>& value) {
  return value && EqualsIgnoreCase(Trim(*value), "true");
}

class InstanceMetadataFetcher {
 public:
  explicit InstanceMetadataFetcher(const CredentialsChainOptions& options)
      : env_(options.env.Resolved().environment),
        profile_(options.profile),
        imds_endpoint_(options.imds_endpoint),
        clock_(options.env.Resolved().clock),
        // Off EC2 the link-local address does not answer: fail fast.
        transport_(std::make_shared<LazyTransport>(
            options.http, TransportWithTimeouts(std::chrono::seconds(1), std::chrono::seconds(2)))),
        retry_(credentials_internal::MakeRetrySettings(options,
                                                       credentials_internal::kMetadataAttempts)) {}

  // Called only under the caching provider's refresh lock, so the token
  // state needs no lock of its own.
  Result<Credentials> operator()() {
    const std::string profile = profile::ResolveProfileName(env_, profile_);
    if (IsTrue(EnvValue(env_, "AWS_EC2_METADATA_DISABLED"))) {
      return NotConfigured("instance metadata: disabled by AWS_EC2_METADATA_DISABLED");
    }
    endpoint_ = Endpoint(profile);
    // A fallback to IMDSv1 lasts one fetch; the next refresh tries v2 again.
    if (token_.empty()) token_expires_ = TimePoint{};
    v1_fallback_allowed_ = !IsTrue(EnvValue(env_, "AWS_EC2_METADATA_V1_DISABLED")) &&
                           !IsTrue(ReadProfileSetting(env_, profile, "ec2_metadata_v1_disabled"));

    const std::string base = "/latest/meta-data/iam/security-credentials/";
    MEM0_ASSIGN_OR_RETURN(HttpResponse role_response, GetWithToken(base));
    if (role_response.status == 404) {
      return NotConfigured("instance metadata: no IAM role is attached to this instance");
    }
    if (role_response.status != 200) return StatusError("listing the instance role", role_response);
    std::string_view roles = role_response.body;
    std::string role(Trim(roles.substr(0, roles.find('\n'))));
    if (role.empty()) {
      return NotConfigured("instance metadata: no IAM role is attached to this instance");
    }

    MEM0_ASSIGN_OR_RETURN(HttpResponse response, GetWithToken(base + role));
    if (response.status != 200) return StatusError("fetching role " + Quote(role), response);
    const std::string what = "instance metadata for role " + Quote(role);
    nlohmann::json document =
        nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
    if (document.is_object()) {
      auto code = document.find("Code");
      if (code != document.end() && code->is_string() && code->get<std::string>() != "Success") {
        return CredentialsError(what + " returned Code " + code->get<std::string>());
      }
    }
    return ParseJsonCredentials(response.body, "Token", what);
  }

 private:
  std::string Endpoint(const std::string& profile) const {
    if (!imds_endpoint_.empty()) return WithoutTrailingSlash(imds_endpoint_);
    if (auto endpoint = EnvValue(env_, "AWS_EC2_METADATA_SERVICE_ENDPOINT")) {
      return WithoutTrailingSlash(*endpoint);
    }
    if (auto endpoint = ReadProfileSetting(env_, profile, "ec2_metadata_service_endpoint")) {
      return WithoutTrailingSlash(*endpoint);
    }
    auto mode = EnvValue(env_, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
    if (!mode) mode = ReadProfileSetting(env_, profile, "ec2_metadata_service_endpoint_mode");
    if (mode && EqualsIgnoreCase(Trim(*mode), "ipv6")) return kDefaultImdsIpv6Endpoint;
    return kDefaultImdsEndpoint;
  }

  Error StatusError(const std::string& action, const HttpResponse& response) const {
    Error error = CredentialsError("instance metadata: " + action + " answered HTTP " +
                                   std::to_string(response.status));
    error.http_status = response.status;
    error.retryable = response.status >= 500 || response.status == 429;
    return error;
  }

  Error Unreachable(const Error& cause) const {
    return NotConfigured("instance metadata: " + endpoint_ + " is unreachable (" + cause.message +
                         ")");
  }

  // PUT /latest/api/token. Sets token_ to empty when IMDSv1 is to be used.
  Status RefreshToken() {
    HttpRequest request;
    request.method = "PUT";
    request.url = endpoint_ + "/latest/api/token";
    request.headers = {{"X-aws-ec2-metadata-token-ttl-seconds", kImdsTokenTtlSeconds}};
    // No second attempt when nothing answers at all: off EC2 that is the
    // normal case, and the chain must not wait for it.
    Result<HttpResponse> response = credentials_internal::SendWithRetries(
        transport_->Get(), request, retry_, credentials_internal::IsServerErrorOrThrottled,
        /*retry_network_errors=*/false);
    if (!response.ok()) {
      // Like the SDKs, try IMDSv1 next: a PUT response hop limit of 1 drops
      // token answers to containers on the instance, but not GET answers.
      if (v1_fallback_allowed_) {
        token_.clear();
        token_unreachable_ = true;
        token_expires_ = clock_->Now() + kImdsTokenLifetime;
        return {};
      }
      return Unreachable(response.error());
    }
    token_unreachable_ = false;
    const int status = response->status;
    if (status == 200 && !Trim(response->body).empty()) {
      token_ = std::string(Trim(response->body));
      token_expires_ = clock_->Now() + kImdsTokenLifetime;
      return {};
    }
    // The SDKs fall back to IMDSv1 on these "will not change on retry" answers.
    if ((status == 403 || status == 404 || status == 405) && v1_fallback_allowed_) {
      token_.clear();
      token_expires_ = clock_->Now() + kImdsTokenLifetime;
      return {};
    }
    return StatusError("requesting a session token", *response);
  }

  // GET with the session token, refreshing it once if IMDS says 401 (the
  // token expired or the instance was stopped and started).
  Result<HttpResponse> GetWithToken(const std::string& path) {
    bool refreshed = false;
    if (token_expires_ <= clock_->Now() || last_endpoint_ != endpoint_) {
      MEM0_RETURN_IF_ERROR(RefreshToken());
      last_endpoint_ = endpoint_;
      refreshed = true;
    }
    for (;;) {
      HttpRequest request;
      request.method = "GET";
      request.url = endpoint_ + path;
      if (!token_.empty()) request.headers = {{"X-aws-ec2-metadata-token", token_}};
      // Once the service has answered, network errors are retried too.
      Result<HttpResponse> response = credentials_internal::SendWithRetries(
          transport_->Get(), request, retry_, credentials_internal::IsServerErrorOrThrottled,
          /*retry_network_errors=*/!token_unreachable_);
      if (!response.ok()) {
        // Neither the token PUT nor this GET got through: not on EC2.
        if (token_unreachable_) return Unreachable(response.error());
        return CredentialsErrorFrom("instance metadata", response.error());
      }
      if (response->status == 401 && !refreshed) {
        MEM0_RETURN_IF_ERROR(RefreshToken());
        refreshed = true;
        continue;
      }
      return response;
    }
  }

  const EnvironmentLookup env_;
  const std::string profile_;
  const std::string imds_endpoint_;
  const std::shared_ptr<Clock> clock_;
  const std::shared_ptr<LazyTransport> transport_;
  const credentials_internal::RetrySettings retry_;
  std::string endpoint_;
  std::string last_endpoint_;
  bool v1_fallback_allowed_ = true;
  std::string token_;               // empty with IMDSv1
  bool token_unreachable_ = false;  // the last token PUT got no answer at all
  TimePoint token_expires_{};
};

// ---------------------------------------------------------------------------
// The default chain.

class ChainCredentialsProvider final : public CredentialsProvider {
 public:
  explicit ChainCredentialsProvider(std::vector<std::shared_ptr<CredentialsProvider>> providers)
      : providers_(std::move(providers)) {}

  Result<Credentials> GetCredentials() override {
    std::optional<size_t> remembered;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      remembered = remembered_;
    }
    if (remembered) {
      Result<Credentials> result = providers_[*remembered]->GetCredentials();
      // A source that stopped working reports its error; only one that has
      // disappeared entirely (e.g. variables unset) sends us down the chain.
      if (result.ok() || !IsNotConfigured(result.error())) return result;
    }
    std::string tried;
    for (size_t i = 0; i < providers_.size(); ++i) {
      Result<Credentials> result = providers_[i]->GetCredentials();
      if (result.ok()) {
        std::lock_guard<std::mutex> lock(mutex_);
        remembered_ = i;
        return result;
      }
      if (!IsNotConfigured(result.error())) return result;
      if (!tried.empty()) tried += "; ";
      tried += result.error().message;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      remembered_.reset();
    }
    return CredentialsError("no AWS credentials found; tried " + tried);
  }

 private:
  const std::vector<std::shared_ptr<CredentialsProvider>> providers_;
  std::mutex mutex_;
  std::optional<size_t> remembered_;
};

// ---------------------------------------------------------------------------
// What the assume-role and SSO profile sources need from this file.

std::shared_ptr<credentials_internal::ProfileContext> MakeProfileContext(
    const CredentialsChainOptions& options) {
  auto context = std::make_shared<credentials_internal::ProfileContext>();
  context->env = options.env.Resolved().environment;
  context->clock = options.env.Resolved().clock;
  auto transport = std::make_shared<LazyTransport>(options.http, HttpTransportOptions{});
  context->transport = [transport]() -> HttpTransport& { return transport->Get(); };
  context->retry =
      credentials_internal::MakeRetrySettings(options, credentials_internal::kServiceAttempts);
  context->sts_endpoint = options.sts_endpoint;
  context->run_process = RunCredentialProcess;
  // Only used under the profile provider's refresh lock, like the providers
  // of the chain itself.
  auto imds = std::make_shared<InstanceMetadataFetcher>(options);
  auto ecs = std::make_shared<ContainerFetcher>(options);
  context->credential_source = [env = options.env.Resolved().environment, imds, ecs](
                                   const std::string& source,
                                   const std::string& profile) -> Result<Credentials> {
    const std::string what =
        "credential_source " + Quote(source) + " of shared profile " + Quote(profile);
    Result<Credentials> credentials = Credentials{};
    if (source == "Environment") {
      credentials = EnvironmentCredentialsProvider(env).GetCredentials();
    } else if (source == "Ec2InstanceMetadata") {
      credentials = (*imds)();
    } else if (source == "EcsContainer") {
      credentials = (*ecs)();
    } else {
      return CredentialsError(what +
                              " is not valid (Environment, Ec2InstanceMetadata or EcsContainer)");
    }
    if (credentials.ok()) return credentials;
    // Named explicitly, so a missing source is an error, not a reason to
    // move on down the chain.
    return CredentialsErrorFrom(what, credentials.error());
  };
  return context;
}

}  // namespace

std::shared_ptr<CredentialsProvider> MakeStaticCredentialsProvider(Credentials credentials) {
  return std::make_shared<StaticCredentialsProvider>(std::move(credentials));
}

std::shared_ptr<CredentialsProvider> MakeEnvironmentCredentialsProvider(EnvironmentLookup env) {
  return std::make_shared<EnvironmentCredentialsProvider>(std::move(env));
}

std::shared_ptr<CredentialsProvider> MakeProfileCredentialsProvider(
    const CredentialsChainOptions& options) {
  auto context = MakeProfileContext(options);
  return MakeCaching(
      [context, profile = options.profile] { return FetchProfileCredentials(*context, profile); },
      options);
}

std::shared_ptr<CredentialsProvider> MakeWebIdentityCredentialsProvider(
    const CredentialsChainOptions& options) {
  return MakeCaching(WebIdentityFetcher(options), options);
}

std::shared_ptr<CredentialsProvider> MakeContainerCredentialsProvider(
    const CredentialsChainOptions& options) {
  return MakeCaching(ContainerFetcher(options), options);
}

std::shared_ptr<CredentialsProvider> MakeInstanceMetadataCredentialsProvider(
    const CredentialsChainOptions& options) {
  auto fetcher = std::make_shared<InstanceMetadataFetcher>(options);
  return MakeCaching([fetcher] { return (*fetcher)(); }, options);
}

std::shared_ptr<CredentialsProvider> MakeDefaultCredentialsChain(
    const CredentialsChainOptions& options) {
  return std::make_shared<ChainCredentialsProvider>(
      std::vector<std::shared_ptr<CredentialsProvider>>{
          MakeEnvironmentCredentialsProvider(options.env.Resolved().environment),
          MakeProfileCredentialsProvider(options),
          MakeWebIdentityCredentialsProvider(options),
          MakeContainerCredentialsProvider(options),
          MakeInstanceMetadataCredentialsProvider(options),
      });
}

std::optional<std::string> ReadProfileSetting(const EnvironmentLookup& env,
                                              std::string_view profile, std::string_view key) {
  auto settings = profile::LoadProfile(env, profile::ResolveProfileName(env, profile));
  if (!settings) return std::nullopt;
  std::string lower_key(key);
  for (char& c : lower_key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto it = settings->find(lower_key);
  if (it == settings->end() || it->second.empty()) return std::nullopt;
  return it->second;
}

bool IsValidRegionName(std::string_view region) {
  // One DNS host label, as botocore checks it:
  // ^[a-zA-Z0-9](?:[a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])?$
  if (region.empty() || region.size() > 63 || region.front() == '-' || region.back() == '-') {
    return false;
  }
  for (char c : region) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
      return false;
    }
  }
  return true;
}

namespace {

// The region is spliced into the endpoint's host name and the signature's
// scope: anything but a host label could point requests (and signatures)
// at another host, or split a header.
Result<std::string> CheckedRegion(std::string region, const char* source) {
  if (IsValidRegionName(region)) return region;
  std::string shown;
  for (unsigned char c : region.substr(0, 64)) {
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      shown += static_cast<char>(c);
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      shown += "\\x";
      shown += kHex[c >> 4];
      shown += kHex[c & 15];
    }
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   std::string("region \"") + shown + "\" (from " + source +
                       ") is not a region name: letters, digits and inner hyphens, at most 63");
}

}  // namespace

Result<std::string> ResolveRegion(std::string_view explicit_region, const EnvironmentLookup& env,
                                  std::string_view profile) {
  if (!explicit_region.empty()) return CheckedRegion(std::string(explicit_region), "configuration");
  if (auto region = EnvValue(env, "AWS_REGION")) return CheckedRegion(*region, "AWS_REGION");
  if (auto region = EnvValue(env, "AWS_DEFAULT_REGION")) {
    return CheckedRegion(*region, "AWS_DEFAULT_REGION");
  }
  if (auto region = ReadProfileSetting(env, profile, "region")) {
    return CheckedRegion(*region, "the profile");
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   "no region: set --region, AWS_REGION or a profile region");
}

std::string ResolveDynamoDBEndpoint(std::string_view explicit_endpoint,
                                    const EnvironmentLookup& env, std::string_view region) {
  if (!explicit_endpoint.empty()) return std::string(explicit_endpoint);
  if (!IsTrue(EnvValue(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"))) {
    if (auto endpoint = EnvValue(env, "AWS_ENDPOINT_URL_DYNAMODB")) return *endpoint;
    if (auto endpoint = EnvValue(env, "AWS_ENDPOINT_URL")) return *endpoint;
  }
  return "https://dynamodb." + std::string(region) + "." + DnsSuffix(region);
}

}  // namespace mem0::aws

// ---------------------------------------------------------------------------
// Helpers shared with the other credential sources (credentials_internal.h).

namespace mem0::aws::credentials_internal {

Error SourceError(std::string message) { return aws::CredentialsError(std::move(message)); }

Error SourceErrorFrom(std::string context, const Error& cause) {
  return aws::CredentialsErrorFrom(std::move(context), cause);
}

std::optional<std::chrono::system_clock::time_point> ParseTimestamp(std::string_view text) {
  return mem0::ParseIso8601(text);
}

std::optional<std::string> XmlText(std::string_view xml, std::string_view tag) {
  return aws::XmlElement(xml, tag);
}

std::string PercentEncode(std::string_view text) { return aws::UrlEncode(text); }

std::string PartitionDnsSuffix(std::string_view region) { return aws::DnsSuffix(region); }

}  // namespace mem0::aws::credentials_internal

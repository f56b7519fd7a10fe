#include "support/fake_identity_services.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <utility>

#include "core/time_format.h"

namespace mem0::testing {
namespace {

using std::chrono::system_clock;

// 2030-01-01T00:00:00Z unless a test says otherwise.
const system_clock::time_point kDefaultExpiration =
    system_clock::time_point(std::chrono::seconds(1893456000));

std::string Param(const httplib::Request& request, const char* name) {
  return request.has_param(name) ? request.get_param_value(name) : "";
}

std::string Suffix(const std::string& role_arn) {
  return role_arn.substr(role_arn.rfind('/') == std::string::npos ? 0 : role_arn.rfind('/') + 1);
}

std::string UpperAlnum(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

bool PopFailure(std::deque<FakeFailure>& failures, httplib::Response& response,
                const std::string& content_type) {
  if (failures.empty()) return false;
  FakeFailure failure = failures.front();
  failures.pop_front();
  response.status = failure.status;
  response.set_content(failure.body, content_type);
  return true;
}

std::string StsErrorXml(const std::string& type, const std::string& code,
                        const std::string& message) {
  return "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>" + type +
         "</Type><Code>" + code + "</Code><Message>" + message +
         "</Message></Error><RequestId>fake-sts-error</RequestId></ErrorResponse>";
}

}  // namespace

TempDir::TempDir() {
  char pattern[] = "/tmp/mem0-identity-test-XXXXXX";
  const char* made = ::mkdtemp(pattern);
  if (made == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = made;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::Write(const std::string& name, const std::string& contents) const {
  std::string full = path_ + "/" + name;
  std::filesystem::create_directories(std::filesystem::path(full).parent_path());
  std::ofstream(full, std::ios::binary | std::ios::trunc) << contents;
  return full;
}

std::string TempDir::WriteScript(const std::string& name, const std::string& body) const {
  std::string full = Write(name, "#!/bin/sh\n" + body);
  ::chmod(full.c_str(), 0700);
  return full;
}

std::string TempDir::Read(const std::string& name) const {
  std::ifstream in(path_ + "/" + name, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

EnvironmentLookup EnvFrom(std::map<std::string, std::string> variables) {
  return [variables = std::move(variables)](std::string_view name) -> std::optional<std::string> {
    auto it = variables.find(std::string(name));
    if (it == variables.end()) return std::nullopt;
    return it->second;
  };
}

void ExpectNoSecrets(const Error& error, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    EXPECT_EQ(error.message.find(secret), std::string::npos) << error.message;
    EXPECT_EQ(error.ToString().find(secret), std::string::npos) << error.ToString();
  }
}

std::string IsoTime(system_clock::time_point time) { return FormatIso8601(time); }

std::string Sha1Hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha1(), nullptr);
  std::string out;
  char hex[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(hex, sizeof(hex), "%02x", digest[i]);
    out += hex;
  }
  return out;
}

// ---------------------------------------------------------------------------
// STS.

FakeSts::FakeSts() : expiration_(kDefaultExpiration) {
  server_ = std::make_unique<LoopbackServer>([this](httplib::Server& server) {
    server.Post("/", [this](const httplib::Request& request, httplib::Response& response) {
      Call call;
      call.action = Param(request, "Action");
      call.version = Param(request, "Version");
      call.role_arn = Param(request, "RoleArn");
      call.session_name = Param(request, "RoleSessionName");
      call.external_id = Param(request, "ExternalId");
      call.duration_seconds = Param(request, "DurationSeconds");
      call.content_type = request.get_header_value("Content-Type");
      call.security_token = request.get_header_value("X-Amz-Security-Token");
      const std::string authorization = request.get_header_value("Authorization");
      const std::string prefix = "AWS4-HMAC-SHA256 Credential=";
      if (authorization.rfind(prefix, 0) == 0) {
        std::string credential = authorization.substr(prefix.size());
        credential = credential.substr(0, credential.find(','));
        size_t slash = credential.find('/');
        call.signer_access_key_id = credential.substr(0, slash);
        if (slash != std::string::npos) call.credential_scope = credential.substr(slash + 1);
      }

      std::lock_guard<std::mutex> lock(mutex_);
      ++hits_;
      calls_.push_back(call);
      if (PopFailure(failures_, response, "text/xml")) return;
      if (call.signer_access_key_id.empty() ||
          call.credential_scope.find("/sts/aws4_request") == std::string::npos) {
        response.status = 403;
        response.set_content(
            StsErrorXml("Sender", "IncompleteSignature", "Request must be SigV4-signed for sts"),
            "text/xml");
        return;
      }
      if (call.action != "AssumeRole" || call.version != "2011-06-15" || call.role_arn.empty() ||
          call.session_name.empty()) {
        response.status = 400;
        response.set_content(StsErrorXml("Sender", "InvalidAction", "Unexpected request"),
                             "text/xml");
        return;
      }
      auto allowed = allowed_callers_.find(call.role_arn);
      if (allowed != allowed_callers_.end() && allowed->second != call.signer_access_key_id) {
        response.status = 403;
        response.set_content(AccessDenied().body, "text/xml");
        return;
      }
      response.set_content(
          "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
          "  <AssumeRoleResult>\n"
          "    <SourceIdentity>mem0</SourceIdentity>\n"
          "    <AssumedRoleUser>\n"
          "      <Arn>arn:aws:sts::123456789012:assumed-role/" +
              Suffix(call.role_arn) + "/" + call.session_name +
              "</Arn>\n"
              "      <AssumedRoleId>AROAFAKE:" +
              call.session_name +
              "</AssumedRoleId>\n"
              "    </AssumedRoleUser>\n"
              "    <Credentials>\n"
              "      <AccessKeyId>" +
              AccessKeyIdFor(call.role_arn) +
              "</AccessKeyId>\n"
              "      <SecretAccessKey>" +
              SecretFor(call.role_arn) +
              "</SecretAccessKey>\n"
              "      <SessionToken>" +
              TokenFor(call.role_arn, call.signer_access_key_id) +
              "</SessionToken>\n"
              "      <Expiration>" +
              IsoTime(expiration_) +
              "</Expiration>\n"
              "    </Credentials>\n"
              "    <PackedPolicySize>6</PackedPolicySize>\n"
              "  </AssumeRoleResult>\n"
              "  <ResponseMetadata><RequestId>fake-sts-1</RequestId></ResponseMetadata>\n"
              "</AssumeRoleResponse>\n",
          "text/xml");
    });
  });
}

std::string FakeSts::AccessKeyIdFor(const std::string& role_arn) {
  return "ASIA" + UpperAlnum(Suffix(role_arn));
}

std::string FakeSts::SecretFor(const std::string& role_arn) {
  return "sts-secret/" + Suffix(role_arn) + "+key";
}

std::string FakeSts::TokenFor(const std::string& role_arn, const std::string& caller) {
  return "sts-token/" + Suffix(role_arn) + "/from/" + caller + "==";
}

void FakeSts::AllowOnly(const std::string& role_arn, const std::string& caller) {
  std::lock_guard<std::mutex> lock(mutex_);
  allowed_callers_[role_arn] = caller;
}

void FakeSts::FailNext(std::vector<FakeFailure> failures) {
  std::lock_guard<std::mutex> lock(mutex_);
  failures_.assign(failures.begin(), failures.end());
}

void FakeSts::set_expiration(system_clock::time_point expiration) {
  std::lock_guard<std::mutex> lock(mutex_);
  expiration_ = expiration;
}

std::vector<FakeSts::Call> FakeSts::calls() {
  std::lock_guard<std::mutex> lock(mutex_);
  return calls_;
}

int FakeSts::hits() {
  std::lock_guard<std::mutex> lock(mutex_);
  return hits_;
}

FakeFailure FakeSts::Throttling() {
  return {400, StsErrorXml("Sender", "Throttling", "Rate exceeded")};
}

FakeFailure FakeSts::AccessDenied() {
  return {403, StsErrorXml("Sender", "AccessDenied",
                           "User is not authorized to perform: sts:AssumeRole")};
}

// ---------------------------------------------------------------------------
// IAM Identity Center portal and OIDC.

FakeSso::FakeSso() : expiration_(kDefaultExpiration) {
  server_ = std::make_unique<LoopbackServer>([this](httplib::Server& server) {
    server.Get("/federation/credentials", [this](const httplib::Request& request,
                                                 httplib::Response& response) {
      PortalCall call{request.get_header_value("x-amz-sso_bearer_token"),
                      Param(request, "account_id"), Param(request, "role_name")};
      std::lock_guard<std::mutex> lock(mutex_);
      portal_calls_.push_back(call);
      if (PopFailure(portal_failures_, response, "application/json")) return;
      if (accepted_tokens_.count(call.token) == 0) {
        response.status = 401;
        response.set_content(R"({"message":"Session token not found or invalid"})",
                             "application/json");
        response.set_header("x-amzn-ErrorType", "UnauthorizedException");
        return;
      }
      if (call.account_id.empty() || call.role_name.empty()) {
        response.status = 400;
        response.set_content(R"({"message":"missing account_id or role_name"})",
                             "application/json");
        response.set_header("x-amzn-ErrorType", "InvalidRequestException");
        return;
      }
      const auto expiration_ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(expiration_.time_since_epoch())
              .count();
      nlohmann::json answer = {{"roleCredentials",
                                {{"accessKeyId", AccessKeyIdFor(call.account_id, call.role_name)},
                                 {"secretAccessKey", SecretFor(call.role_name)},
                                 {"sessionToken", TokenFor(call.role_name)},
                                 {"expiration", expiration_ms}}}};
      response.set_content(answer.dump(), "application/json");
    });
    server.Post("/token", [this](const httplib::Request& request, httplib::Response& response) {
      nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
      auto text = [&](const char* key) {
        return body.is_object() && body.contains(key) && body[key].is_string()
                   ? body[key].get<std::string>()
                   : std::string();
      };
      TokenCall call{request.get_header_value("Content-Type"), text("clientId"),
                     text("clientSecret"), text("grantType"), text("refreshToken")};
      std::lock_guard<std::mutex> lock(mutex_);
      token_calls_.push_back(call);
      if (PopFailure(token_failures_, response, "application/json")) return;
      if (call.grant_type != "refresh_token" || call.client_id != client_id_ ||
          call.client_secret != client_secret_ || call.refresh_token != refresh_token_ ||
          refresh_token_.empty()) {
        response.status = 400;
        response.set_content(
            R"({"error":"invalid_grant","error_description":"Invalid refresh token provided"})",
            "application/json");
        return;
      }
      accepted_tokens_.insert(new_access_token_);
      nlohmann::json answer = {{"accessToken", new_access_token_},
                               {"tokenType", "Bearer"},
                               {"expiresIn", expires_in_},
                               {"refreshToken", new_refresh_token_}};
      response.set_content(answer.dump(), "application/json");
    });
  });
}

std::string FakeSso::AccessKeyIdFor(const std::string& account_id, const std::string& role_name) {
  return "ASIASSO" + UpperAlnum(role_name) + account_id.substr(0, 4);
}

std::string FakeSso::SecretFor(const std::string& role_name) {
  return "sso-secret/" + role_name + "+key";
}

std::string FakeSso::TokenFor(const std::string& role_name) {
  return "sso-session-token/" + role_name + "==";
}

void FakeSso::AcceptToken(const std::string& token) {
  std::lock_guard<std::mutex> lock(mutex_);
  accepted_tokens_.insert(token);
}

void FakeSso::ExpectRefresh(const std::string& client_id, const std::string& client_secret,
                            const std::string& refresh_token, const std::string& new_access_token,
                            const std::string& new_refresh_token, int expires_in_seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  client_id_ = client_id;
  client_secret_ = client_secret;
  refresh_token_ = refresh_token;
  new_access_token_ = new_access_token;
  new_refresh_token_ = new_refresh_token;
  expires_in_ = expires_in_seconds;
}

void FakeSso::FailNextPortal(std::vector<FakeFailure> failures) {
  std::lock_guard<std::mutex> lock(mutex_);
  portal_failures_.assign(failures.begin(), failures.end());
}

void FakeSso::FailNextToken(std::vector<FakeFailure> failures) {
  std::lock_guard<std::mutex> lock(mutex_);
  token_failures_.assign(failures.begin(), failures.end());
}

void FakeSso::set_expiration(system_clock::time_point expiration) {
  std::lock_guard<std::mutex> lock(mutex_);
  expiration_ = expiration;
}

std::vector<FakeSso::PortalCall> FakeSso::portal_calls() {
  std::lock_guard<std::mutex> lock(mutex_);
  return portal_calls_;
}

std::vector<FakeSso::TokenCall> FakeSso::token_calls() {
  std::lock_guard<std::mutex> lock(mutex_);
  return token_calls_;
}

}  // namespace mem0::testing

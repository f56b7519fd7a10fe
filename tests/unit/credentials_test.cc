// Tests for the credential providers, the default chain, and region/endpoint
// resolution. The environment is injected from a map, profiles live in a
// temporary directory, and STS, the ECS agent and IMDS are real loopback HTTP
// servers that assert the requests they receive.
#include "mem0/aws/credentials.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <latch>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "aws/aws_profile.h"
#include "support/loopback_server.h"
#include "support/test_env.h"

namespace mem0::aws {
namespace {

using mem0::testing::FakeClock;
using mem0::testing::LoopbackServer;
using mem0::testing::RecordingSleeper;
using std::chrono::system_clock;
using namespace std::chrono_literals;

// 2030-01-01T00:00:00Z, the Expiration every fake service hands out.
const system_clock::time_point kExpiration =
    system_clock::time_point(std::chrono::seconds(1893456000));
constexpr char kExpirationText[] = "2030-01-01T00:00:00Z";

// Moves the shared FakeClock (which only advances) to an absolute time.
void SetTime(FakeClock& clock, system_clock::time_point time) {
  clock.Advance(std::chrono::duration_cast<std::chrono::milliseconds>(time - clock.Now()));
}

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/mem0-credentials-test-XXXXXX";
    const char* made = ::mkdtemp(pattern);
    if (made == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = made;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }
  std::string Write(const std::string& name, const std::string& contents) const {
    std::string full = path_ + "/" + name;
    std::filesystem::create_directories(std::filesystem::path(full).parent_path());
    std::ofstream(full, std::ios::binary | std::ios::trunc) << contents;
    return full;
  }
  // A /bin/sh script, made executable.
  std::string WriteScript(const std::string& name, const std::string& body) const {
    std::string full = Write(name, "#!/bin/sh\n" + body);
    ::chmod(full.c_str(), 0700);
    return full;
  }

 private:
  std::string path_;
};

EnvironmentLookup EnvFrom(std::map<std::string, std::string> variables) {
  return [variables = std::move(variables)](std::string_view name) -> std::optional<std::string> {
    auto it = variables.find(std::string(name));
    if (it == variables.end()) return std::nullopt;
    return it->second;
  };
}

std::string Form(const httplib::Request& request, const std::string& name) {
  return request.has_param(name.c_str()) ? request.get_param_value(name.c_str()) : "<missing>";
}

// Asserts that no secret appears anywhere in an error a user could see.
void ExpectNoSecrets(const Error& error, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    EXPECT_EQ(error.message.find(secret), std::string::npos) << error.message;
    EXPECT_EQ(error.ToString().find(secret), std::string::npos) << error.ToString();
  }
}

std::string StsSuccessXml(const std::string& access_key_id) {
  return R"(<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>system:serviceaccount:mem0:app</SubjectFromWebIdentityToken>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/app/session</Arn>
      <AssumedRoleId>AROAEXAMPLE:session</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>sts-session+token/&amp;more</SessionToken>
      <SecretAccessKey>sts-secret-key</SecretAccessKey>
      <Expiration>)" +
         std::string(kExpirationText) + R"(</Expiration>
      <AccessKeyId>)" +
         access_key_id + R"(</AccessKeyId>
    </Credentials>
    <Provider>oidc.example.com</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>sts-request-1</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>)";
}

std::string JsonCredentials(const std::string& access_key_id, const std::string& token_key) {
  return R"({"AccessKeyId": ")" + access_key_id + R"(", "SecretAccessKey": "json-secret-key", ")" +
         token_key + R"(": "json-session-token", "Expiration": ")" + kExpirationText + R"("})";
}

// Common fixture: a temp HOME with no files, IMDS off unless a test turns it
// on, and a fake clock an hour before kExpiration.
class CredentialsTestBase : public ::testing::Test {
 protected:
  CredentialsTestBase()
      : clock_(std::make_shared<FakeClock>(kExpiration - 1h)),
        sleeper_(std::make_shared<RecordingSleeper>()) {
    env_["HOME"] = home_.path();
    env_["AWS_EC2_METADATA_DISABLED"] = "true";
  }

  CredentialsChainOptions Options() {
    CredentialsChainOptions options;
    options.env.environment = EnvFrom(env_);
    options.env.clock = clock_;
    options.refresh_margin = 300s;
    options.env.sleeper = sleeper_;  // retries back off without waiting
    return options;
  }

  TempDir home_;
  std::map<std::string, std::string> env_;
  std::shared_ptr<FakeClock> clock_;
  std::shared_ptr<RecordingSleeper> sleeper_;
};

// ---------------------------------------------------------------------------
// Static and environment providers.

TEST(CredentialsStaticTest, ReturnsTheGivenKeys) {
  auto provider = MakeStaticCredentialsProvider({"AKIDSTATIC", "static-secret", "token", {}});
  auto credentials = provider->GetCredentials();
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  EXPECT_EQ(credentials->access_key_id, "AKIDSTATIC");
  EXPECT_EQ(credentials->secret_access_key, "static-secret");
  EXPECT_EQ(credentials->session_token, "token");
}

TEST(CredentialsStaticTest, EmptyKeysAreAnError) {
  auto credentials = MakeStaticCredentialsProvider({})->GetCredentials();
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.error().code, ErrorCode::kCredentialsError);
}

TEST(CredentialsEnvironmentTest, ReadsKeysAndSessionToken) {
  auto provider =
      MakeEnvironmentCredentialsProvider(EnvFrom({{"AWS_ACCESS_KEY_ID", "AKIDENV"},
                                                  {"AWS_SECRET_ACCESS_KEY", "env-secret"},
                                                  {"AWS_SESSION_TOKEN", "env-token"}}));
  auto credentials = provider->GetCredentials();
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  EXPECT_EQ(credentials->access_key_id, "AKIDENV");
  EXPECT_EQ(credentials->secret_access_key, "env-secret");
  EXPECT_EQ(credentials->session_token, "env-token");
  EXPECT_FALSE(credentials->expiration.has_value());
}

TEST(CredentialsEnvironmentTest, BothKeysAreRequired) {
  auto only_secret =
      MakeEnvironmentCredentialsProvider(EnvFrom({{"AWS_SECRET_ACCESS_KEY", "lonely-secret"}}))
          ->GetCredentials();
  ASSERT_FALSE(only_secret.ok());
  EXPECT_EQ(only_secret.error().code, ErrorCode::kCredentialsError);
  ExpectNoSecrets(only_secret.error(), {"lonely-secret"});

  auto only_id = MakeEnvironmentCredentialsProvider(EnvFrom({{"AWS_ACCESS_KEY_ID", "AKID"}}))
                     ->GetCredentials();
  ASSERT_FALSE(only_id.ok());
  EXPECT_NE(only_id.error().message.find("AWS_SECRET_ACCESS_KEY"), std::string::npos);

  auto none = MakeEnvironmentCredentialsProvider(EnvFrom({}))->GetCredentials();
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::kCredentialsError);
}

TEST(CredentialsProcessEnvironmentTest, ReadsTheRealEnvironment) {
  const char* name = "MEM0_CREDENTIALS_TEST_VARIABLE";
  ::setenv(name, "value-1", 1);
  EXPECT_EQ(ProcessEnvironment()(name), "value-1");
  ::unsetenv(name);
  EXPECT_EQ(ProcessEnvironment()(name), std::nullopt);
}

// ---------------------------------------------------------------------------
// The INI parser.

TEST(ProfileParserTest, HandlesCommentsWhitespaceAndSections) {
  const std::string text =
      "# leading comment\r\n"
      "; another\n"
      "[default]\n"
      "region=us-west-2   ; inline comment\n"
      "output =  json # inline too\n"
      "  \n"
      "[profile dev]   # comment after header\n"
      "aws_access_key_id   =   AKIDDEV\n"
      "Region = eu-west-1\n"
      "url = https://example.com/a#fragment\n"
      "s3 =\n"
      "  max_concurrent_requests = 20\n"
      "  addressing_style=path\n"
      "multi = first\n"
      "  second\n"
      "[sso-session corp]\n"
      "sso_region = us-east-1\n"
      "[not-a-profile]\n"
      "region = ap-south-1\n";
  auto profiles = profile::ParseProfiles(text, profile::FileKind::kConfig);
  ASSERT_EQ(profiles.count("default"), 1u);
  EXPECT_EQ(profiles["default"]["region"], "us-west-2");
  EXPECT_EQ(profiles["default"]["output"], "json");
  ASSERT_EQ(profiles.count("dev"), 1u);
  EXPECT_EQ(profiles["dev"]["aws_access_key_id"], "AKIDDEV");
  EXPECT_EQ(profiles["dev"]["region"], "eu-west-1");  // keys are case-insensitive
  EXPECT_EQ(profiles["dev"]["url"], "https://example.com/a#fragment");
  EXPECT_EQ(profiles["dev"]["s3.max_concurrent_requests"], "20");
  EXPECT_EQ(profiles["dev"]["s3.addressing_style"], "path");
  EXPECT_EQ(profiles["dev"]["multi"], "first\nsecond");
  EXPECT_EQ(profiles.count("corp"), 0u);
  EXPECT_EQ(profiles.count("sso-session corp"), 0u);
  EXPECT_EQ(profiles.count("not-a-profile"), 0u);
}

TEST(ProfileParserTest, ProfileDefaultBeatsPlainDefaultInConfig) {
  auto profiles = profile::ParseProfiles(
      "[default]\nregion = us-east-1\n[profile default]\nregion = eu-central-1\n",
      profile::FileKind::kConfig);
  EXPECT_EQ(profiles["default"]["region"], "eu-central-1");
}

TEST(ProfileParserTest, CredentialsFileSectionsHaveNoPrefix) {
  auto profiles = profile::ParseProfiles("[dev]\naws_access_key_id = A\n[profile x]\nk = v\n",
                                         profile::FileKind::kCredentials);
  EXPECT_EQ(profiles["dev"]["aws_access_key_id"], "A");
  EXPECT_EQ(profiles.count("x"), 0u);
}

// ---------------------------------------------------------------------------
// Profile provider.

class ProfileCredentialsTest : public CredentialsTestBase {};

TEST_F(ProfileCredentialsTest, ReadsDefaultProfileFromHome) {
  home_.Write(".aws/credentials",
              "[default]\naws_access_key_id = AKIDDEFAULT ; comment\n"
              "aws_secret_access_key=default-secret\naws_session_token = default-token\n"
              "[other]\naws_access_key_id = AKIDOTHER\naws_secret_access_key = other-secret\n");
  auto credentials = MakeProfileCredentialsProvider(Options())->GetCredentials();
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  EXPECT_EQ(credentials->access_key_id, "AKIDDEFAULT");
  EXPECT_EQ(credentials->secret_access_key, "default-secret");
  EXPECT_EQ(credentials->session_token, "default-token");
}

TEST_F(ProfileCredentialsTest, AwsProfileSelectsAndExplicitProfileWins) {
  home_.Write(".aws/credentials",
              "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = s\n"
              "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = s\n"
              "[prod]\naws_access_key_id = AKIDPROD\naws_secret_access_key = s\n");
  env_["AWS_PROFILE"] = "dev";
  auto from_env = MakeProfileCredentialsProvider(Options())->GetCredentials();
  ASSERT_TRUE(from_env.ok()) << from_env.error().ToString();
  EXPECT_EQ(from_env->access_key_id, "AKIDDEV");

  auto options = Options();
  options.profile = "prod";
  auto explicit_profile = MakeProfileCredentialsProvider(options)->GetCredentials();
  ASSERT_TRUE(explicit_profile.ok()) << explicit_profile.error().ToString();
  EXPECT_EQ(explicit_profile->access_key_id, "AKIDPROD");
}

TEST_F(ProfileCredentialsTest, ConfigFileOnlyProfile) {
  home_.Write(".aws/config",
              "[profile cfg]\naws_access_key_id = AKIDCFG\naws_secret_access_key = cfg-secret\n"
              "[cfg]\naws_access_key_id = AKIDWRONG\naws_secret_access_key = wrong\n");
  env_["AWS_PROFILE"] = "cfg";
  auto credentials = MakeProfileCredentialsProvider(Options())->GetCredentials();
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  EXPECT_EQ(credentials->access_key_id, "AKIDCFG");
  EXPECT_EQ(credentials->secret_access_key, "cfg-secret");
}

TEST_F(ProfileCredentialsTest, CredentialsFileBeatsConfigFile) {
  home_.Write(".aws/config",
              "[default]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = config-secret\n");
  home_.Write(".aws/credentials",
              "[default]\naws_access_key_id = AKIDCREDS\naws_secret_access_key = creds-secret\n");
  auto credentials = MakeProfileCredentialsProvider(Options())->GetCredentials();
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  EXPECT_EQ(credentials->access_key_id, "AKIDCREDS");
  EXPECT_EQ(credentials->secret_access_key, "creds-secret");
}

TEST_F(ProfileCredentialsTest, FileLocationsFromEnvironment) {
  std::string credentials_path = home_.Write("elsewhere/creds",
                                             "[default]\naws_access_key_id = AKIDMOVED\n"
                                             "aws_secret_access_key = moved-secret\n");
  home_.Write(".aws/credentials",
              "[default]\naws_access_key_id = AKIDHOME\naws_secret_access_key = home-secret\n");
  env_["AWS_SHARED_CREDENTIALS_FILE"] = credentials_path;
  auto credentials = MakeProfileCredentialsProvider(Options())->GetCredentials();
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  EXPECT_EQ(credentials->access_key_id, "AKIDMOVED");

  // "~/" in AWS_CONFIG_FILE expands to the injected HOME.
  home_.Write("cfgdir/config", "[profile tilde]\nregion = ap-northeast-1\n");
  env_["AWS_CONFIG_FILE"] = "~/cfgdir/config";
  EXPECT_EQ(ReadProfileSetting(EnvFrom(env_), "tilde", "region"), "ap-northeast-1");
}

TEST_F(ProfileCredentialsTest, MissingProfileIsAnError) {
  env_["AWS_PROFILE"] = "ghost";
  auto credentials = MakeProfileCredentialsProvider(Options())->GetCredentials();
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.error().code, ErrorCode::kCredentialsError);
  EXPECT_NE(credentials.error().message.find("ghost"), std::string::npos);
}

TEST_F(ProfileCredentialsTest, HalfAKeyPairIsAnErrorWithoutTheSecret) {
  home_.Write(".aws/credentials", "[default]\naws_secret_access_key = half-secret\n");
  auto credentials = MakeProfileCredentialsProvider(Options())->GetCredentials();
  ASSERT_FALSE(credentials.ok());
  ExpectNoSecrets(credentials.error(), {"half-secret"});
}

TEST_F(ProfileCredentialsTest, ReadProfileSettingAndMissingValues) {
  home_.Write(".aws/config", "[default]\nregion = us-west-1\n[profile b]\nregion = eu-north-1\n");
  EXPECT_EQ(ReadProfileSetting(EnvFrom(env_), "", "region"), "us-west-1");
  EXPECT_EQ(ReadProfileSetting(EnvFrom(env_), "b", "region"), "eu-north-1");
  EXPECT_EQ(ReadProfileSetting(EnvFrom(env_), "b", "output"), std::nullopt);
  EXPECT_EQ(ReadProfileSetting(EnvFrom(env_), "nope", "region"), std::nullopt);
}

// ---------------------------------------------------------------------------
// credential_process.

class CredentialProcessTest : public CredentialsTestBase {};

TEST_F(CredentialProcessTest, RunsTheCommandAndParsesItsJson) {
  std::string script = home_.WriteScript(
      "process.sh", std::string("printf '%s' '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", "
                                "\"SecretAccessKey\": \"proc-secret\", \"SessionToken\": "
                                "\"proc-token\", \"Expiration\": \"") +
                        kExpirationText + "\"}'\n");
  home_.Write(".aws/config", "[profile proc]\ncredential_process = " + script + " --flag  # x\n");
  env_["AWS_PROFILE"] = "proc";
  auto credentials = MakeProfileCredentialsProvider(Options())->GetCredentials();
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  EXPECT_EQ(credentials->access_key_id, "AKIDPROC");
  EXPECT_EQ(credentials->secret_access_key, "proc-secret");
  EXPECT_EQ(credentials->session_token, "proc-token");
  ASSERT_TRUE(credentials->expiration.has_value());
  EXPECT_EQ(*credentials->expiration, kExpiration);
}

TEST_F(CredentialProcessTest, NonZeroExitIsAnErrorNamingTheProfile) {
  std::string script = home_.WriteScript(
      "fail.sh",
      "echo '{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"exit-secret\"}'\n"
      "exit 3\n");
  home_.Write(".aws/config", "[profile broken]\ncredential_process = " + script + "\n");
  env_["AWS_PROFILE"] = "broken";
  auto credentials = MakeProfileCredentialsProvider(Options())->GetCredentials();
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.error().code, ErrorCode::kCredentialsError);
  EXPECT_NE(credentials.error().message.find("\"broken\""), std::string::npos);
  EXPECT_NE(credentials.error().message.find("status 3"), std::string::npos);
  ExpectNoSecrets(credentials.error(), {"exit-secret"});
}

TEST_F(CredentialProcessTest, BadJsonOrVersionIsAnErrorWithoutTheOutput) {
  std::string bad_json = home_.WriteScript("bad.sh", "echo 'not json bad-json-secret'\n");
  std::string bad_version = home_.WriteScript(
      "v2.sh", "echo '{\"Version\":2,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"v2-secret\"}'\n");
  std::string no_key = home_.WriteScript(
      "nokey.sh", "echo '{\"Version\":1,\"SecretAccessKey\":\"nokey-secret\"}'\n");
  home_.Write(".aws/config", "[profile a]\ncredential_process = " + bad_json +
                                 "\n[profile b]\ncredential_process = " + bad_version +
                                 "\n[profile c]\ncredential_process = " + no_key + "\n");
  for (const std::string profile : {"a", "b", "c"}) {
    auto options = Options();
    options.profile = profile;
    auto credentials = MakeProfileCredentialsProvider(options)->GetCredentials();
    ASSERT_FALSE(credentials.ok()) << profile;
    EXPECT_EQ(credentials.error().code, ErrorCode::kCredentialsError);
    EXPECT_NE(credentials.error().message.find("\"" + profile + "\""), std::string::npos);
    ExpectNoSecrets(credentials.error(), {"bad-json-secret", "v2-secret", "nokey-secret"});
  }
}

TEST_F(CredentialProcessTest, CachedUntilTheRefreshMarginThenRunAgain) {
  std::string runs = home_.path() + "/runs";
  std::string script = home_.WriteScript(
      "counting.sh", "echo run >> " + runs + "\nn=$(wc -l < " + runs +
                         " | tr -d ' ')\n"
                         "printf '{\"Version\": 1, \"AccessKeyId\": \"AKIDRUN%s\", "
                         "\"SecretAccessKey\": \"s\", \"Expiration\": \"" +
                         kExpirationText + "\"}' \"$n\"\n");
  home_.Write(".aws/config", "[default]\ncredential_process = " + script + "\n");
  auto provider = MakeProfileCredentialsProvider(Options());

  auto first = provider->GetCredentials();
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(first->access_key_id, "AKIDRUN1");

  SetTime(*clock_, kExpiration - 301s);  // still outside the 300 s margin
  auto cached = provider->GetCredentials();
  ASSERT_TRUE(cached.ok());
  EXPECT_EQ(cached->access_key_id, "AKIDRUN1");

  SetTime(*clock_, kExpiration - 299s);
  auto refreshed = provider->GetCredentials();
  ASSERT_TRUE(refreshed.ok()) << refreshed.error().ToString();
  EXPECT_EQ(refreshed->access_key_id, "AKIDRUN2");
}

// ---------------------------------------------------------------------------
// Web identity.

struct StsRecorder {
  std::mutex mutex;
  std::vector<std::map<std::string, std::string>> forms;
  std::atomic<int> hits{0};
};

class CredentialsWebIdentityTest : public CredentialsTestBase {
 protected:
  void StartSts(std::function<void(const httplib::Request&, httplib::Response&)> reply) {
    sts_ = std::make_unique<LoopbackServer>([this, reply](httplib::Server& server) {
      server.Post("/", [this, reply](const httplib::Request& request, httplib::Response& response) {
        {
          std::lock_guard<std::mutex> lock(recorder_.mutex);
          std::map<std::string, std::string> form;
          for (const char* name :
               {"Action", "Version", "RoleArn", "RoleSessionName", "WebIdentityToken"}) {
            form[name] = Form(request, name);
          }
          form["content-type"] = request.get_header_value("Content-Type");
          recorder_.forms.push_back(form);
        }
        ++recorder_.hits;
        reply(request, response);
      });
    });
  }

  CredentialsChainOptions StsOptions() {
    auto options = Options();
    options.sts_endpoint = sts_->url();
    return options;
  }

  StsRecorder recorder_;
  std::unique_ptr<LoopbackServer> sts_;
};

TEST_F(CredentialsWebIdentityTest, AssumesTheRoleWithTheTokenFromTheFile) {
  StartSts([](const httplib::Request&, httplib::Response& response) {
    response.set_content(StsSuccessXml("ASIAWEB1"), "text/xml");
  });
  env_["AWS_WEB_IDENTITY_TOKEN_FILE"] = home_.Write("token", "eyJ.web+identity/token==\n");
  env_["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/app";
  env_["AWS_ROLE_SESSION_NAME"] = "my session";
  auto credentials = MakeWebIdentityCredentialsProvider(StsOptions())->GetCredentials();
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  EXPECT_EQ(credentials->access_key_id, "ASIAWEB1");
  EXPECT_EQ(credentials->secret_access_key, "sts-secret-key");
  EXPECT_EQ(credentials->session_token, "sts-session+token/&more");
  ASSERT_TRUE(credentials->expiration.has_value());
  EXPECT_EQ(*credentials->expiration, kExpiration);

  ASSERT_EQ(recorder_.forms.size(), 1u);
  auto& form = recorder_.forms[0];
  EXPECT_EQ(form["Action"], "AssumeRoleWithWebIdentity");
  EXPECT_EQ(form["Version"], "2011-06-15");
  EXPECT_EQ(form["RoleArn"], "arn:aws:iam::123456789012:role/app");
  EXPECT_EQ(form["RoleSessionName"], "my session");
  EXPECT_EQ(form["WebIdentityToken"], "eyJ.web+identity/token==");
  EXPECT_EQ(form["content-type"].rfind("application/x-www-form-urlencoded", 0), 0u);
}

TEST_F(CredentialsWebIdentityTest, RereadsTheTokenFileOnRefreshAndNamesTheSession) {
  StartSts([this](const httplib::Request&, httplib::Response& response) {
    response.set_content(StsSuccessXml("ASIAWEB" + std::to_string(recorder_.hits.load())),
                         "text/xml");
  });
  std::string token_file = home_.Write("token", "first-token");
  // Settings from the profile this time.
  home_.Write(".aws/config",
              "[profile web]\nrole_arn = arn:aws:iam::1:role/r\n"
              "web_identity_token_file = " +
                  token_file + "\n");
  auto options = StsOptions();
  options.profile = "web";
  auto provider = MakeWebIdentityCredentialsProvider(options);
  auto first = provider->GetCredentials();
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(first->access_key_id, "ASIAWEB1");

  home_.Write("token", "rotated-token");
  SetTime(*clock_, kExpiration - 200s);
  auto second = provider->GetCredentials();
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_EQ(second->access_key_id, "ASIAWEB2");

  ASSERT_EQ(recorder_.forms.size(), 2u);
  EXPECT_EQ(recorder_.forms[0]["WebIdentityToken"], "first-token");
  EXPECT_EQ(recorder_.forms[1]["WebIdentityToken"], "rotated-token");
  EXPECT_EQ(recorder_.forms[0]["RoleArn"], "arn:aws:iam::1:role/r");
  auto unix_seconds = [](system_clock::time_point time) {
    return std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count());
  };
  EXPECT_EQ(recorder_.forms[0]["RoleSessionName"], "mem0-cpp-" + unix_seconds(kExpiration - 1h));
  EXPECT_EQ(recorder_.forms[1]["RoleSessionName"], "mem0-cpp-" + unix_seconds(kExpiration - 200s));
}

TEST_F(CredentialsWebIdentityTest, StsErrorBecomesAnErrorWithItsCodeAndMessage) {
  StartSts([](const httplib::Request&, httplib::Response& response) {
    response.status = 400;
    response.set_content(
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
        "<Type>Sender</Type><Code>AccessDenied</Code>"
        "<Message>Not authorized to perform sts:AssumeRoleWithWebIdentity</Message></Error>"
        "<RequestId>req-42</RequestId></ErrorResponse>",
        "text/xml");
  });
  env_["AWS_WEB_IDENTITY_TOKEN_FILE"] = home_.Write("token", "secret-jwt-token");
  env_["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/app";
  auto credentials = MakeWebIdentityCredentialsProvider(StsOptions())->GetCredentials();
  ASSERT_FALSE(credentials.ok());
  const Error& error = credentials.error();
  EXPECT_EQ(error.code, ErrorCode::kCredentialsError);
  EXPECT_EQ(error.type, "AccessDenied");
  EXPECT_NE(error.message.find("Not authorized to perform sts:AssumeRoleWithWebIdentity"),
            std::string::npos);
  EXPECT_EQ(error.http_status, 400);
  EXPECT_EQ(error.request_id, "req-42");
  ExpectNoSecrets(error, {"secret-jwt-token"});
}

TEST_F(CredentialsWebIdentityTest, TokenFileWithoutRoleArnIsAnError) {
  StartSts([](const httplib::Request&, httplib::Response&) {});
  env_["AWS_WEB_IDENTITY_TOKEN_FILE"] = home_.Write("token", "t");
  auto credentials = MakeWebIdentityCredentialsProvider(StsOptions())->GetCredentials();
  ASSERT_FALSE(credentials.ok());
  EXPECT_NE(credentials.error().message.find("AWS_ROLE_ARN"), std::string::npos);
  EXPECT_EQ(recorder_.hits.load(), 0);
}

TEST_F(CredentialsWebIdentityTest, UnreadableTokenFileIsAnError) {
  StartSts([](const httplib::Request&, httplib::Response&) {});
  env_["AWS_WEB_IDENTITY_TOKEN_FILE"] = home_.path() + "/does-not-exist";
  env_["AWS_ROLE_ARN"] = "arn:aws:iam::1:role/r";
  auto credentials = MakeWebIdentityCredentialsProvider(StsOptions())->GetCredentials();
  ASSERT_FALSE(credentials.ok());
  EXPECT_NE(credentials.error().message.find("does-not-exist"), std::string::npos);
  EXPECT_EQ(recorder_.hits.load(), 0);
}

// ---------------------------------------------------------------------------
// Container credentials.

// Sends requests for `from` to `to` instead, so the fixed ECS agent address
// can be served by a loopback server; records the URLs asked for.
class RedirectingTransport final : public HttpTransport {
 public:
  RedirectingTransport(std::string from, std::string to)
      : inner_(MakeCurlTransport()), from_(std::move(from)), to_(std::move(to)) {}
  Result<HttpResponse> Send(const HttpRequest& request) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      urls_.push_back(request.url);
    }
    HttpRequest copy = request;
    if (copy.url.rfind(from_, 0) == 0) copy.url = to_ + copy.url.substr(from_.size());
    return inner_->Send(copy);
  }
  std::vector<std::string> urls() {
    std::lock_guard<std::mutex> lock(mutex_);
    return urls_;
  }

 private:
  std::shared_ptr<HttpTransport> inner_;
  std::string from_, to_;
  std::mutex mutex_;
  std::vector<std::string> urls_;
};

class CredentialsContainerTest : public CredentialsTestBase {
 protected:
  void StartAgent() {
    agent_ = std::make_unique<LoopbackServer>([this](httplib::Server& server) {
      server.Get(R"(/.*)", [this](const httplib::Request& request, httplib::Response& response) {
        int hit = ++hits_;
        {
          std::lock_guard<std::mutex> lock(mutex_);
          paths_.push_back(request.path);
          authorizations_.push_back(request.get_header_value("Authorization"));
        }
        if (fail_from_hit_.load() > 0 && hit >= fail_from_hit_.load()) {
          response.status = 500;
          response.set_content(R"({"code":"Internal","message":"agent is down"})",
                               "application/json");
          return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_.load()));
        response.set_content(JsonCredentials("ASIAECS" + std::to_string(hit), "Token"),
                             "application/json");
      });
    });
  }

  std::unique_ptr<LoopbackServer> agent_;
  std::atomic<int> hits_{0};
  std::atomic<int> fail_from_hit_{0};
  std::atomic<int> delay_ms_{0};
  std::mutex mutex_;
  std::vector<std::string> paths_;
  std::vector<std::string> authorizations_;
};

TEST_F(CredentialsContainerTest, RelativeUriGoesToTheEcsAgent) {
  StartAgent();
  auto transport = std::make_shared<RedirectingTransport>("http://169.254.170.2", agent_->url());
  env_["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "/v2/credentials/task-id";
  env_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://127.0.0.1:1/ignored";
  auto options = Options();
  options.http = transport;
  auto credentials = MakeContainerCredentialsProvider(options)->GetCredentials();
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  EXPECT_EQ(credentials->access_key_id, "ASIAECS1");
  EXPECT_EQ(credentials->secret_access_key, "json-secret-key");
  EXPECT_EQ(credentials->session_token, "json-session-token");
  EXPECT_EQ(credentials->expiration, kExpiration);
  EXPECT_EQ(transport->urls(),
            std::vector<std::string>{"http://169.254.170.2/v2/credentials/task-id"});
  EXPECT_EQ(paths_, std::vector<std::string>{"/v2/credentials/task-id"});
  EXPECT_EQ(authorizations_, std::vector<std::string>{""});
}

TEST_F(CredentialsContainerTest, FullUriWithTokenFileWinningOverTokenVariable) {
  StartAgent();
  env_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = agent_->url() + "/pod-identity/creds";
  env_["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "from-variable";
  env_["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = home_.Write("eks-token", "  from-file\n");
  auto credentials = MakeContainerCredentialsProvider(Options())->GetCredentials();
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  EXPECT_EQ(credentials->access_key_id, "ASIAECS1");
  EXPECT_EQ(paths_, std::vector<std::string>{"/pod-identity/creds"});
  EXPECT_EQ(authorizations_, std::vector<std::string>{"from-file"});
}

TEST_F(CredentialsContainerTest, FullUriWithTokenVariable) {
  StartAgent();
  env_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = agent_->url() + "/creds";
  env_["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "Basic abc";
  auto credentials = MakeContainerCredentialsProvider(Options())->GetCredentials();
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  EXPECT_EQ(authorizations_, std::vector<std::string>{"Basic abc"});
}

TEST_F(CredentialsContainerTest, FullUriToANonLoopbackHttpHostIsRefused) {
  env_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://169.254.169.254.example.com/creds";
  auto credentials = MakeContainerCredentialsProvider(Options())->GetCredentials();
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.error().code, ErrorCode::kCredentialsError);
  EXPECT_NE(credentials.error().message.find("not allowed"), std::string::npos);
}

TEST_F(CredentialsContainerTest, AgentErrorReportsStatusAndMessage) {
  StartAgent();
  fail_from_hit_ = 1;
  env_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = agent_->url() + "/creds";
  env_["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "agent-auth-secret";
  auto credentials = MakeContainerCredentialsProvider(Options())->GetCredentials();
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.error().http_status, 500);
  EXPECT_TRUE(credentials.error().retryable);
  EXPECT_NE(credentials.error().message.find("agent is down"), std::string::npos);
  ExpectNoSecrets(credentials.error(), {"agent-auth-secret"});
}

// ---------------------------------------------------------------------------
// Refresh behaviour (through the container provider, which counts requests).

class CredentialsRefreshTest : public CredentialsContainerTest {};

TEST_F(CredentialsRefreshTest, CachedWithinValidityRefreshedAfterExpirationMinusMargin) {
  StartAgent();
  env_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = agent_->url() + "/creds";
  auto provider = MakeContainerCredentialsProvider(Options());
  ASSERT_EQ(provider->GetCredentials()->access_key_id, "ASIAECS1");
  ASSERT_EQ(provider->GetCredentials()->access_key_id, "ASIAECS1");
  EXPECT_EQ(hits_.load(), 1);

  SetTime(*clock_, kExpiration - 300s - 1s);
  EXPECT_EQ(provider->GetCredentials()->access_key_id, "ASIAECS1");
  EXPECT_EQ(hits_.load(), 1);

  SetTime(*clock_, kExpiration - 300s + 1s);
  EXPECT_EQ(provider->GetCredentials()->access_key_id, "ASIAECS2");
  EXPECT_EQ(hits_.load(), 2);
  // The new credentials expire at the same fixed time, which is now inside
  // the margin: they are used briefly rather than fetched on every call.
  EXPECT_EQ(provider->GetCredentials()->access_key_id, "ASIAECS2");
  EXPECT_EQ(hits_.load(), 2);
}

TEST_F(CredentialsRefreshTest, FailedRefreshKeepsServingUnexpiredCredentials) {
  StartAgent();
  fail_from_hit_ = 2;
  env_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = agent_->url() + "/creds";
  auto provider = MakeContainerCredentialsProvider(Options());
  ASSERT_EQ(provider->GetCredentials()->access_key_id, "ASIAECS1");

  // Each refresh makes 3 attempts against the failing agent.
  SetTime(*clock_, kExpiration - 60s);  // due for refresh, not yet expired
  auto stale = provider->GetCredentials();
  ASSERT_TRUE(stale.ok()) << stale.error().ToString();
  EXPECT_EQ(stale->access_key_id, "ASIAECS1");
  EXPECT_EQ(hits_.load(), 4);
  // No new attempt on every call right after a failure...
  EXPECT_TRUE(provider->GetCredentials().ok());
  EXPECT_EQ(hits_.load(), 4);
  // ...but a bit later it tries again.
  SetTime(*clock_, kExpiration - 30s);
  EXPECT_TRUE(provider->GetCredentials().ok());
  EXPECT_EQ(hits_.load(), 7);

  SetTime(*clock_, kExpiration + 1s);  // really expired: the failure surfaces
  auto expired = provider->GetCredentials();
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, ErrorCode::kCredentialsError);
  EXPECT_EQ(hits_.load(), 10);
}

TEST_F(CredentialsRefreshTest, ConcurrentCallersShareOneRefresh) {
  StartAgent();
  env_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = agent_->url() + "/creds";
  auto provider = MakeContainerCredentialsProvider(Options());
  ASSERT_EQ(provider->GetCredentials()->access_key_id, "ASIAECS1");

  delay_ms_ = 200;  // keep the refresh in flight while the others arrive
  SetTime(*clock_, kExpiration - 100s);
  constexpr int kThreads = 8;
  std::latch start(kThreads);
  std::vector<std::string> keys(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      auto credentials = provider->GetCredentials();
      keys[i] = credentials.ok() ? credentials->access_key_id : credentials.error().message;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(hits_.load(), 2);
  for (const auto& key : keys) EXPECT_EQ(key, "ASIAECS2");
}

// ---------------------------------------------------------------------------
// IMDSv2.

class CredentialsImdsTest : public CredentialsTestBase {
 protected:
  CredentialsImdsTest() { env_.erase("AWS_EC2_METADATA_DISABLED"); }

  void StartImds() {
    imds_ = std::make_unique<LoopbackServer>([this](httplib::Server& server) {
      server.Put("/latest/api/token", [this](const httplib::Request& request,
                                             httplib::Response& response) {
        int put = ++token_puts_;
        std::lock_guard<std::mutex> lock(mutex_);
        ttl_headers_.push_back(request.get_header_value("X-aws-ec2-metadata-token-ttl-seconds"));
        if (token_status_ != 200) {
          response.status = token_status_;
          return;
        }
        response.set_content("token-" + std::to_string(put), "text/plain");
      });
      server.Get(R"(/latest/meta-data/iam/security-credentials/(.*))",
                 [this](const httplib::Request& request, httplib::Response& response) {
                   ++gets_;
                   std::string token = request.get_header_value("X-aws-ec2-metadata-token");
                   {
                     std::lock_guard<std::mutex> lock(mutex_);
                     seen_tokens_.push_back(token);
                   }
                   bool token_ok;
                   {
                     std::lock_guard<std::mutex> lock(mutex_);
                     token_ok = token_status_ == 200
                                    ? token.rfind("token-", 0) == 0 && token != revoked_token_
                                    : token.empty();
                   }
                   if (!token_ok) {
                     response.status = 401;
                     return;
                   }
                   std::string role = request.matches[1];
                   if (role.empty()) {
                     if (no_role_) {
                       response.status = 404;
                       return;
                     }
                     response.set_content("app-role\n", "text/plain");
                     return;
                   }
                   if (role != "app-role") {
                     response.status = 404;
                     return;
                   }
                   response.set_content(
                       R"({"Code": "Success", "LastUpdated": "2029-12-31T22:00:00Z", )"
                       R"("Type": "AWS-HMAC", "AccessKeyId": "ASIAIMDS)" +
                           std::to_string(gets_.load()) +
                           R"(", "SecretAccessKey": "imds-secret", "Token": "imds-token", )"
                           R"("Expiration": ")" +
                           kExpirationText + "\"}",
                       "application/json");
                 });
    });
  }

  CredentialsChainOptions ImdsOptions() {
    auto options = Options();
    options.imds_endpoint = imds_->url();
    return options;
  }

  std::unique_ptr<LoopbackServer> imds_;
  std::atomic<int> token_puts_{0};
  std::atomic<int> gets_{0};
  std::atomic<int> token_status_{200};
  std::atomic<bool> no_role_{false};
  std::string revoked_token_;
  std::mutex mutex_;
  std::vector<std::string> ttl_headers_;
  std::vector<std::string> seen_tokens_;
};

TEST_F(CredentialsImdsTest, TokenThenRoleThenCredentials) {
  StartImds();
  auto credentials = MakeInstanceMetadataCredentialsProvider(ImdsOptions())->GetCredentials();
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  EXPECT_EQ(credentials->access_key_id, "ASIAIMDS2");
  EXPECT_EQ(credentials->secret_access_key, "imds-secret");
  EXPECT_EQ(credentials->session_token, "imds-token");
  EXPECT_EQ(credentials->expiration, kExpiration);
  EXPECT_EQ(token_puts_.load(), 1);
  EXPECT_EQ(ttl_headers_, std::vector<std::string>{"21600"});
  EXPECT_EQ(seen_tokens_, (std::vector<std::string>{"token-1", "token-1"}));
}

TEST_F(CredentialsImdsTest, EndpointFromEnvironmentAndTokenReusedOnRefresh) {
  StartImds();
  env_["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds_->url() + "/";
  auto provider = MakeInstanceMetadataCredentialsProvider(Options());
  ASSERT_TRUE(provider->GetCredentials().ok());
  SetTime(*clock_, kExpiration - 200s);
  auto refreshed = provider->GetCredentials();
  ASSERT_TRUE(refreshed.ok()) << refreshed.error().ToString();
  EXPECT_EQ(refreshed->access_key_id, "ASIAIMDS4");
  EXPECT_EQ(token_puts_.load(), 1);  // the six-hour token is still good
}

TEST_F(CredentialsImdsTest, Unauthorized401FetchesANewTokenAndRetriesOnce) {
  StartImds();
  auto provider = MakeInstanceMetadataCredentialsProvider(ImdsOptions());
  ASSERT_TRUE(provider->GetCredentials().ok());
  {
    std::lock_guard<std::mutex> lock(mutex_);
    revoked_token_ = "token-1";  // e.g. the instance was stopped and started
  }
  SetTime(*clock_, kExpiration - 200s);
  auto refreshed = provider->GetCredentials();
  ASSERT_TRUE(refreshed.ok()) << refreshed.error().ToString();
  EXPECT_EQ(token_puts_.load(), 2);
  EXPECT_EQ(seen_tokens_.back(), "token-2");
  EXPECT_EQ(seen_tokens_,
            (std::vector<std::string>{"token-1", "token-1", "token-1", "token-2", "token-2"}));
}

TEST_F(CredentialsImdsTest, DisabledFlagSkipsImdsEntirely) {
  StartImds();
  env_["AWS_EC2_METADATA_DISABLED"] = "TRUE";
  auto credentials = MakeInstanceMetadataCredentialsProvider(ImdsOptions())->GetCredentials();
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.error().code, ErrorCode::kCredentialsError);
  EXPECT_NE(credentials.error().message.find("AWS_EC2_METADATA_DISABLED"), std::string::npos);
  EXPECT_EQ(token_puts_.load() + gets_.load(), 0);
}

TEST_F(CredentialsImdsTest, FallsBackToImdsV1UnlessDisabled) {
  StartImds();
  token_status_ = 403;
  auto credentials = MakeInstanceMetadataCredentialsProvider(ImdsOptions())->GetCredentials();
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  EXPECT_EQ(seen_tokens_, (std::vector<std::string>{"", ""}));

  env_["AWS_EC2_METADATA_V1_DISABLED"] = "true";
  auto refused = MakeInstanceMetadataCredentialsProvider(ImdsOptions())->GetCredentials();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().http_status, 403);
}

TEST_F(CredentialsImdsTest, NoRoleAttachedIsAnError) {
  StartImds();
  no_role_ = true;
  auto credentials = MakeInstanceMetadataCredentialsProvider(ImdsOptions())->GetCredentials();
  ASSERT_FALSE(credentials.ok());
  EXPECT_NE(credentials.error().message.find("no IAM role"), std::string::npos);
}

// ---------------------------------------------------------------------------
// The default chain.

class CredentialsChainTest : public CredentialsContainerTest {
 protected:
  void StartSts() {
    sts_ = std::make_unique<LoopbackServer>([this](httplib::Server& server) {
      server.Post("/", [this](const httplib::Request&, httplib::Response& response) {
        ++sts_hits_;
        if (sts_fails_) {
          response.status = 400;
          response.set_content(
              "<ErrorResponse><Error><Code>InvalidIdentityToken</Code>"
              "<Message>Token is expired</Message></Error></ErrorResponse>",
              "text/xml");
          return;
        }
        response.set_content(StsSuccessXml("ASIASTS"), "text/xml");
      });
    });
    env_["AWS_WEB_IDENTITY_TOKEN_FILE"] = home_.Write("web-token", "chain-web-token");
    env_["AWS_ROLE_ARN"] = "arn:aws:iam::1:role/r";
  }

  std::shared_ptr<CredentialsProvider> Chain() {
    auto options = Options();
    if (sts_) options.sts_endpoint = sts_->url();
    return MakeDefaultCredentialsChain(options);
  }

  std::string KeyFromChain() {
    auto credentials = Chain()->GetCredentials();
    return credentials.ok() ? credentials->access_key_id : "error: " + credentials.error().message;
  }

  std::unique_ptr<LoopbackServer> sts_;
  std::atomic<int> sts_hits_{0};
  std::atomic<bool> sts_fails_{false};
};

TEST_F(CredentialsChainTest, EnvironmentBeatsProfile) {
  home_.Write(".aws/credentials",
              "[default]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s\n");
  env_["AWS_ACCESS_KEY_ID"] = "AKIDENV";
  env_["AWS_SECRET_ACCESS_KEY"] = "env-secret";
  EXPECT_EQ(KeyFromChain(), "AKIDENV");
  env_.erase("AWS_ACCESS_KEY_ID");
  env_.erase("AWS_SECRET_ACCESS_KEY");
  EXPECT_EQ(KeyFromChain(), "AKIDPROFILE");
}

TEST_F(CredentialsChainTest, ProfileBeatsWebIdentity) {
  StartSts();
  home_.Write(".aws/credentials",
              "[default]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s\n");
  EXPECT_EQ(KeyFromChain(), "AKIDPROFILE");
  EXPECT_EQ(sts_hits_.load(), 0);
}

TEST_F(CredentialsChainTest, WebIdentityBeatsContainer) {
  StartSts();
  StartAgent();
  env_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = agent_->url() + "/creds";
  EXPECT_EQ(KeyFromChain(), "ASIASTS");
  EXPECT_EQ(sts_hits_.load(), 1);
  EXPECT_EQ(hits_.load(), 0);
}

TEST_F(CredentialsChainTest, ContainerBeatsInstanceMetadata) {
  StartAgent();
  std::atomic<int> imds_hits{0};
  LoopbackServer imds([&](httplib::Server& server) {
    server.Put("/latest/api/token",
               [&](const httplib::Request&, httplib::Response&) { ++imds_hits; });
  });
  env_.erase("AWS_EC2_METADATA_DISABLED");
  env_["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.url();
  env_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = agent_->url() + "/creds";
  EXPECT_EQ(KeyFromChain(), "ASIAECS1");
  EXPECT_EQ(imds_hits.load(), 0);
}

TEST_F(CredentialsChainTest, InstanceMetadataIsTheLastResort) {
  LoopbackServer imds([](httplib::Server& server) {
    server.Put("/latest/api/token", [](const httplib::Request&, httplib::Response& response) {
      response.set_content("tok", "text/plain");
    });
    server.Get("/latest/meta-data/iam/security-credentials/",
               [](const httplib::Request&, httplib::Response& response) {
                 response.set_content("role", "text/plain");
               });
    server.Get("/latest/meta-data/iam/security-credentials/role", [](const httplib::Request&,
                                                                     httplib::Response& response) {
      response.set_content(R"({"Code":"Success","AccessKeyId":"ASIALAST","SecretAccessKey":"x"})",
                           "application/json");
    });
  });
  env_.erase("AWS_EC2_METADATA_DISABLED");
  env_["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.url();
  EXPECT_EQ(KeyFromChain(), "ASIALAST");
}

TEST_F(CredentialsChainTest, NothingConfiguredListsWhatWasTried) {
  auto credentials = Chain()->GetCredentials();
  ASSERT_FALSE(credentials.ok());
  const Error& error = credentials.error();
  EXPECT_EQ(error.code, ErrorCode::kCredentialsError);
  for (const char* source : {"environment", "shared profile \"default\"", "web identity",
                             "container", "instance metadata"}) {
    EXPECT_NE(error.message.find(source), std::string::npos) << source << " in " << error.message;
  }
}

TEST_F(CredentialsChainTest, ConfiguredButFailingProcessStopsTheChain) {
  StartAgent();
  env_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = agent_->url() + "/creds";
  std::string script = home_.WriteScript("fail.sh", "exit 1\n");
  home_.Write(".aws/config", "[default]\ncredential_process = " + script + "\n");
  auto credentials = Chain()->GetCredentials();
  ASSERT_FALSE(credentials.ok());
  EXPECT_NE(credentials.error().message.find("credential_process"), std::string::npos);
  EXPECT_EQ(hits_.load(), 0);
}

TEST_F(CredentialsChainTest, NamedProfileThatDoesNotExistStopsTheChain) {
  StartAgent();
  env_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = agent_->url() + "/creds";
  env_["AWS_PROFILE"] = "typo";
  auto credentials = Chain()->GetCredentials();
  ASSERT_FALSE(credentials.ok());
  EXPECT_NE(credentials.error().message.find("\"typo\" not found"), std::string::npos);
  EXPECT_EQ(hits_.load(), 0);
  // The implicit default profile may be absent.
  env_.erase("AWS_PROFILE");
  EXPECT_EQ(KeyFromChain(), "ASIAECS1");
}

TEST_F(CredentialsChainTest, StsErrorStopsTheChain) {
  StartSts();
  sts_fails_ = true;
  StartAgent();
  env_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = agent_->url() + "/creds";
  auto credentials = Chain()->GetCredentials();
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.error().type, "InvalidIdentityToken");
  EXPECT_EQ(hits_.load(), 0);
  ExpectNoSecrets(credentials.error(), {"chain-web-token"});
}

TEST_F(CredentialsChainTest, RemembersTheProviderThatWorked) {
  StartAgent();
  env_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = agent_->url() + "/creds";
  auto options = Options();
  auto chain = MakeDefaultCredentialsChain(options);
  ASSERT_EQ(chain->GetCredentials()->access_key_id, "ASIAECS1");
  // A profile appearing later does not switch the identity mid-run.
  home_.Write(".aws/credentials",
              "[default]\naws_access_key_id = AKIDLATE\naws_secret_access_key = s\n");
  EXPECT_EQ(chain->GetCredentials()->access_key_id, "ASIAECS1");
  EXPECT_EQ(MakeDefaultCredentialsChain(options)->GetCredentials()->access_key_id, "AKIDLATE");
}

// ---------------------------------------------------------------------------
// Region and endpoint.

class RegionTest : public CredentialsTestBase {};

TEST_F(RegionTest, PrecedenceExplicitEnvironmentProfile) {
  home_.Write(".aws/config",
              "[default]\nregion = eu-west-3\n[profile tokyo]\nregion = ap-northeast-1 # jp\n");
  EXPECT_EQ(ResolveRegion("", EnvFrom(env_), "").value(), "eu-west-3");
  EXPECT_EQ(ResolveRegion("", EnvFrom(env_), "tokyo").value(), "ap-northeast-1");
  env_["AWS_PROFILE"] = "tokyo";
  EXPECT_EQ(ResolveRegion("", EnvFrom(env_), "").value(), "ap-northeast-1");
  env_["AWS_DEFAULT_REGION"] = "us-west-1";
  EXPECT_EQ(ResolveRegion("", EnvFrom(env_), "").value(), "us-west-1");
  env_["AWS_REGION"] = "us-east-2";
  EXPECT_EQ(ResolveRegion("", EnvFrom(env_), "").value(), "us-east-2");
  EXPECT_EQ(ResolveRegion("sa-east-1", EnvFrom(env_), "").value(), "sa-east-1");
}

TEST_F(RegionTest, NoRegionIsAnInvalidArgument) {
  auto region = ResolveRegion("", EnvFrom(env_), "");
  ASSERT_FALSE(region.ok());
  EXPECT_EQ(region.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(region.error().message, "no region: set --region, AWS_REGION or a profile region");
}

TEST(EndpointTest, ExplicitThenServiceVariableThenGlobalVariable) {
  auto env = EnvFrom({{"AWS_ENDPOINT_URL_DYNAMODB", "http://localhost:8000"},
                      {"AWS_ENDPOINT_URL", "http://localhost:9000"}});
  EXPECT_EQ(ResolveDynamoDBEndpoint("http://explicit:1", env, "us-east-1"), "http://explicit:1");
  EXPECT_EQ(ResolveDynamoDBEndpoint("", env, "us-east-1"), "http://localhost:8000");
  EXPECT_EQ(ResolveDynamoDBEndpoint("", EnvFrom({{"AWS_ENDPOINT_URL", "http://localhost:9000"}}),
                                    "us-east-1"),
            "http://localhost:9000");
  EXPECT_EQ(ResolveDynamoDBEndpoint("",
                                    EnvFrom({{"AWS_ENDPOINT_URL", "http://localhost:9000"},
                                             {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"}}),
                                    "eu-west-1"),
            "https://dynamodb.eu-west-1.amazonaws.com");
}

TEST(EndpointTest, RegionalEndpointsPerPartition) {
  auto env = EnvFrom({});
  EXPECT_EQ(ResolveDynamoDBEndpoint("", env, "us-east-1"),
            "https://dynamodb.us-east-1.amazonaws.com");
  EXPECT_EQ(ResolveDynamoDBEndpoint("", env, "ap-southeast-2"),
            "https://dynamodb.ap-southeast-2.amazonaws.com");
  EXPECT_EQ(ResolveDynamoDBEndpoint("", env, "cn-north-1"),
            "https://dynamodb.cn-north-1.amazonaws.com.cn");
  EXPECT_EQ(ResolveDynamoDBEndpoint("", env, "cn-northwest-1"),
            "https://dynamodb.cn-northwest-1.amazonaws.com.cn");
  EXPECT_EQ(ResolveDynamoDBEndpoint("", env, "us-gov-west-1"),
            "https://dynamodb.us-gov-west-1.amazonaws.com");
  EXPECT_EQ(ResolveDynamoDBEndpoint("", env, "us-iso-east-1"),
            "https://dynamodb.us-iso-east-1.c2s.ic.gov");
  EXPECT_EQ(ResolveDynamoDBEndpoint("", env, "us-isob-east-1"),
            "https://dynamodb.us-isob-east-1.sc2s.sgov.gov");
}

}  // namespace
}  // namespace mem0::aws

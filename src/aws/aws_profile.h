// Reader for the shared AWS config and credentials files (~/.aws/config and
// ~/.aws/credentials), following the AWS SDKs' file format:
//   - `[default]` and `[name]` sections in the credentials file;
//     `[default]` and `[profile name]` in the config file (other config
//     sections such as `[sso-session x]` or `[services x]` are not profiles;
//     `[sso-session x]` sections are read separately);
//   - `key = value` with whitespace around `=` ignored and keys
//     case-insensitive;
//   - full-line comments starting with `#` or `;`, and inline comments
//     (`;` or `#` preceded by whitespace) after values;
//   - indented lines continue the previous value, or hold sub-properties
//     (`parent.sub`) when the parent's value is empty.
// When a profile appears in both files their settings are merged, the
// credentials file winning for keys present in both.
//
// Internal header. Thread-safety: pure functions over files read on each call.
#ifndef MEM0_SRC_AWS_AWS_PROFILE_H_
#define MEM0_SRC_AWS_AWS_PROFILE_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "mem0/aws/credentials.h"

namespace mem0::aws::profile {

// Settings of one profile; keys are lower-case.
using ProfileSettings = std::map<std::string, std::string>;
// Profile name -> settings.
using ProfileMap = std::map<std::string, ProfileSettings>;

enum class FileKind { kCredentials, kConfig };

// Parses the text of a shared file into its profiles.
ProfileMap ParseProfiles(std::string_view text, FileKind kind);

// Parses the `[sso-session NAME]` sections of a config file: name -> settings.
ProfileMap ParseSsoSessions(std::string_view text);

// Where the shared files live: AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE,
// else ~/.aws/credentials and ~/.aws/config (HOME from `env`).
std::string CredentialsFilePath(const EnvironmentLookup& env);
std::string ConfigFilePath(const EnvironmentLookup& env);

// Replaces a leading "~" or "~/" with HOME from `env`.
std::string ExpandHome(const EnvironmentLookup& env, std::string path);

// `explicit_profile` if non-empty, else AWS_PROFILE, else "default".
std::string ResolveProfileName(const EnvironmentLookup& env, std::string_view explicit_profile);

// The merged settings of `profile` from both files; nullopt when neither
// file defines it (missing files count as empty).
std::optional<ProfileSettings> LoadProfile(const EnvironmentLookup& env, std::string_view profile);

// The settings of `[sso-session NAME]` in the config file; nullopt when absent.
std::optional<ProfileSettings> LoadSsoSession(const EnvironmentLookup& env, std::string_view name);

}  // namespace mem0::aws::profile

#endif  // MEM0_SRC_AWS_AWS_PROFILE_H_

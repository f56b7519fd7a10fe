// The shared AWS config and credentials file parsers.
#include "aws/aws_profile.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  using mem0::aws::profile::FileKind;
  (void)mem0::aws::profile::ParseProfiles(text, FileKind::kCredentials);
  (void)mem0::aws::profile::ParseProfiles(text, FileKind::kConfig);
  (void)mem0::aws::profile::ParseSsoSessions(text);
  return 0;
}

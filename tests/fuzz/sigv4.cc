// SigV4 canonicalisation: any method, URL, headers and body signs without
// failing, and signing is a pure function (same request, same signature,
// with or without the key cache).
#include "aws/sigv4.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mem0::aws;
  mem0::fuzz::FuzzInput input(data, size);
  uint8_t flags = input.Byte();
  HttpRequest request;
  request.method = input.Field();
  request.url = input.Field();
  sigv4::SigningParams params;
  params.region = input.Field();
  params.service = (flags & 1) ? input.Field() : "dynamodb";
  params.time = std::chrono::system_clock::time_point(std::chrono::seconds(1440938160));
  params.normalize_path = (flags & 2) == 0;
  params.sign_body_header = (flags & 4) != 0;
  params.omit_session_token = (flags & 8) != 0;
  Credentials credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                          (flags & 16) ? "session" : ""};
  for (int i = 0; i < 8 && !input.empty(); ++i) {
    std::string name = input.Field();
    std::string value = input.Field();
    request.headers.emplace_back(std::move(name), std::move(value));
  }
  request.body = input.Rest();

  HttpRequest copy = request;
  auto first = sigv4::Sign(request, credentials, params);
  static sigv4::SigningKeyCache cache;
  auto second = sigv4::Sign(copy, credentials, params, cache);
  if (first.ok() != second.ok()) std::abort();
  if (first.ok() && (first->canonical_request != second->canonical_request ||
                     first->signature != second->signature)) {
    std::abort();
  }
  return 0;
}

#include "core/uuid.h"

#include <openssl/rand.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <thread>

namespace mem0 {
namespace {

std::string Format(uint8_t (&b)[16]) {
  b[6] = (b[6] & 0x0F) | 0x40;  // version 4
  b[8] = (b[8] & 0x3F) | 0x80;  // RFC 4122 variant
  char out[37];
  std::snprintf(out, sizeof(out),
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

uint64_t SplitMix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

}  // namespace

Result<std::string> NewRandomUuid() {
  uint8_t b[16];
  if (RAND_bytes(b, sizeof(b)) != 1) {
    return MakeError(ErrorCode::kInternal, "OpenSSL RAND_bytes failed: no random bytes for a UUID");
  }
  return Format(b);
}

std::string NewUuid() {
  if (auto uuid = NewRandomUuid(); uuid.ok()) return std::move(uuid).value();
  static std::atomic<uint64_t> counter{0};
  const uint64_t time =
      static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count() ^
                            (std::chrono::steady_clock::now().time_since_epoch().count() << 1));
  const uint64_t who = (static_cast<uint64_t>(::getpid()) << 32) ^
                       std::hash<std::thread::id>{}(std::this_thread::get_id());
  const uint64_t high = SplitMix64(time ^ SplitMix64(who));
  const uint64_t low = SplitMix64(high ^ SplitMix64(counter.fetch_add(1) + who));
  uint8_t b[16];
  for (int i = 0; i < 8; ++i) {
    b[i] = static_cast<uint8_t>(high >> (8 * i));
    b[8 + i] = static_cast<uint8_t>(low >> (8 * i));
  }
  return Format(b);
}

}  // namespace mem0

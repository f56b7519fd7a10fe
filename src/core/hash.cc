#include "core/hash.h"

#include <openssl/evp.h>

namespace mem0 {
namespace {

std::string Digest(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  // EVP_Digest fails only on allocation failure; an empty digest then shows
  // up as a mismatch, never as a crash.
  if (EVP_Digest(data.data(), data.size(), out, &size, md, nullptr) != 1) return {};
  return HexEncode(std::string_view(reinterpret_cast<const char*>(out), size));
}

}  // namespace

std::string HexEncode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    hex.push_back(kHex[c >> 4]);
    hex.push_back(kHex[c & 0xf]);
  }
  return hex;
}

std::string Sha256Hex(std::string_view data) { return Digest(EVP_sha256(), data); }

std::string Md5Hex(std::string_view data) { return Digest(EVP_md5(), data); }

}  // namespace mem0

// The CLI's JSON message inputs: mem0's message list (memory add) and the
// conversation store's messages and metadata.
#include <cstddef>
#include <cstdint>
#include <string>

#include "mem0/memory/memory.h"
#include "store/conversation_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)mem0::memory::ParseMessages(text);
  (void)mem0::store::ParseMessages(text);
  (void)mem0::store::ParseMetadata(text);
  return 0;
}

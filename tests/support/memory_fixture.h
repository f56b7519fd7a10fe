// Opens Memory instances of either engine over fresh storage for a test:
// SQLite on a temp file, or DynamoDB Local with new tables (created with the
// provisioning code, as a user would). Open() may be called several times:
// every instance shares the same storage, like several processes would.
#ifndef MEM0_TESTS_SUPPORT_MEMORY_FIXTURE_H_
#define MEM0_TESTS_SUPPORT_MEMORY_FIXTURE_H_

#include <memory>
#include <string>

#include "mem0/memory/config.h"
#include "mem0/memory/memory.h"

namespace mem0::testing {

class MemoryFixture {
 public:
  // engine: "sqlite" or "dynamodb".
  explicit MemoryFixture(const std::string& engine);
  ~MemoryFixture();

  // The config Open() uses; tests may add llm / embedder / search settings.
  memory::MemoryConfig config;

  // A new Memory over this fixture's storage (aborts the test on failure).
  std::unique_ptr<memory::Memory> Open() const;
  // The config as a YAML file (for the CLI's --config); returns its path.
  std::string WriteConfigFile() const;

 private:
  std::string engine_;
  std::string db_path_;
  mutable std::string config_path_;
  std::string conversation_table_, graph_table_;
};

}  // namespace mem0::testing

#endif  // MEM0_TESTS_SUPPORT_MEMORY_FIXTURE_H_

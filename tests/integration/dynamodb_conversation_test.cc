// The DynamoDB conversation engine beyond conformance: the Python
// reference layout both ways (boto3), writers in several processes, TTL
// expiry by DynamoDB Local itself, requests per operation.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "core/hash.h"
#include "mem0/store/conversation_store.h"
#include "support/test_env.h"

namespace mem0 {
namespace {

using dynamodb::AttributeValue;
using nlohmann::json;

class DynamoDBConversationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    client_ = std::shared_ptr<dynamodb::Client>(testing::MakeLocalClient().release());
    table_ = testing::UniqueName("conv");
    testing::CreateTestTable(*client_, table_, "user_id", "conversation_id");
  }
  void TearDown() override { (void)client_->DeleteTable(table_); }

  std::unique_ptr<store::ConversationStore> Open(std::shared_ptr<Clock> clock = nullptr,
                                                 int ttl_days = 0) {
    store::DynamoDBConversationConfig config;
    config.table_name = table_;
    config.client = client_;
    config.clock = clock;
    config.ttl_enabled = ttl_days > 0;
    if (ttl_days > 0) config.ttl_days = ttl_days;
    auto store = store::MakeDynamoDBConversationStore(config);
    EXPECT_TRUE(store.ok()) << store.error().ToString();
    return std::move(store).value();
  }

  std::shared_ptr<dynamodb::Client> client_;
  std::string table_;
};

// What the reference's get_conversations_for_user and get_conversation do.
constexpr const char* kReferenceReader = R"PY(
import boto3, json, sys
from boto3.dynamodb.conditions import Key
table = boto3.resource("dynamodb").Table(TABLE)
items = table.query(KeyConditionExpression=Key("user_id").eq("alice"), ScanIndexForward=False)["Items"]
out = []
for item in items:  # the reference parses every item of the partition
    out.append({"id": item["conversation_id"], "messages": json.loads(item["messages"]),
                "metadata": json.loads(item["metadata"]), "timestamp": int(item["timestamp"])})
print(json.dumps(out))
)PY";

// A user id too long for "mem0#parts#<user>" keeps its overflow parts under a
// hashed name no user id can produce, so it never shares them with the user
// literally named "sha256-<hash>" (whose parts were once the same items).
TEST_F(DynamoDBConversationTest, LongUserIdsOverflowPartsAreTheirsAlone) {
  auto store = Open();
  const std::string long_user(2040, 'u');
  const std::string namesake = "sha256-" + Sha256Hex(long_user);
  // Random letters: compressed, still over the 350 KB an item may hold.
  auto random_text = [](size_t n) {
    std::string text;
    uint64_t x = 88172645463325252ull;
    while (text.size() < n) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      text += static_cast<char>('a' + x % 26);
    }
    return text;
  };
  const std::string incompressible =
      json::array({{{"role", "user"}, {"content", random_text(600000)}}}).dump();
  auto long_id = store->StoreConversation(long_user, incompressible);
  ASSERT_TRUE(long_id.ok()) << long_id.error().ToString();
  auto namesake_id = store->StoreConversation(namesake, incompressible);
  ASSERT_TRUE(namesake_id.ok()) << namesake_id.error().ToString();

  // The parts live in different partitions.
  dynamodb::ScanRequest scan;
  scan.table_name = table_;
  auto items = client_->ScanAll(scan);
  ASSERT_TRUE(items.ok());
  std::set<std::string> part_partitions;
  for (const auto& item : items->items) {
    const std::string& pk = *dynamodb::GetString(item, "user_id");
    if (pk.starts_with("mem0#parts")) part_partitions.insert(pk);
  }
  EXPECT_EQ(part_partitions, (std::set<std::string>{"mem0#parts#" + namesake,
                                                    "mem0#parts-sha256#" + Sha256Hex(long_user)}));

  // Deleting one user's conversation leaves the other's readable.
  ASSERT_TRUE(store->DeleteConversation(long_user, *long_id).ok());
  auto kept = store->GetConversation(namesake, *namesake_id);
  ASSERT_TRUE(kept.ok()) << kept.error().ToString();
  ASSERT_TRUE(kept->has_value());
  EXPECT_EQ(json::parse((*kept)->messages_json), json::parse(incompressible));
}

// Lists racing deletes of overflowed conversations never fail: a
// conversation that vanishes between the head and its parts is left out.
TEST_F(DynamoDBConversationTest, ListsRacingDeletesSkipWhatVanished) {
  auto store = Open();
  std::string text;
  uint64_t x = 0x9E3779B97F4A7C15ull;
  while (text.size() < 450000) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    text += static_cast<char>('a' + x % 26);
  }
  const std::string messages = json::array({{{"role", "user"}, {"content", text}}}).dump();
  std::vector<std::string> ids;
  for (int i = 0; i < 12; ++i) {
    auto id = store->StoreConversation("racer", messages);
    ASSERT_TRUE(id.ok()) << id.error().ToString();
    ids.push_back(*id);
  }
  std::atomic<bool> done{false};
  std::thread deleter([&] {
    for (const auto& id : ids) {
      EXPECT_TRUE(store->DeleteConversation("racer", id).ok());
    }
    done = true;
  });
  int lists = 0;
  while (!done) {
    auto page = store->ListConversations("racer", 100);
    ASSERT_TRUE(page.ok()) << page.error().ToString();
    for (const auto& c : page->conversations) EXPECT_EQ(c.messages_json.size(), messages.size());
    ++lists;
  }
  deleter.join();
  EXPECT_GT(lists, 0);
  auto empty = store->ListConversations("racer", 100);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->conversations.empty());
}

// Parts of a generation no head names (a writer killed between writing its
// parts and the head) go with the conversation: delete and delete_all leave
// no copy of it behind.
TEST_F(DynamoDBConversationTest, DeletesSweepOrphanedOverflowParts) {
  auto store = Open();
  const std::string messages =
      json::array({{{"role", "user"}, {"content", std::string(500000, 'z')}}}).dump();
  auto orphan_of = [&](const std::string& user, const std::string& id) {
    dynamodb::PutItemRequest put;
    put.table_name = table_;
    put.item = {{"user_id", AttributeValue::S("mem0#parts#" + user)},
                {"conversation_id", AttributeValue::S(id + "#killed-writer#00000")},
                {"type", AttributeValue::S("conversation_part")},
                {"data", AttributeValue::B("a full copy, once")}};
    ASSERT_TRUE(client_->PutItem(put).ok());
  };
  auto parts_left = [&] {
    dynamodb::ScanRequest scan;
    scan.table_name = table_;
    auto scanned = client_->ScanAll(scan);
    EXPECT_TRUE(scanned.ok());
    int parts = 0;
    for (const auto& item : scanned->items) {
      parts += dynamodb::GetString(item, "user_id")->starts_with("mem0#parts#") ? 1 : 0;
    }
    return parts;
  };
  auto one = store->StoreConversation("sweeper", messages);
  auto two = store->StoreConversation("sweeper", messages);
  ASSERT_TRUE(one.ok() && two.ok());
  orphan_of("sweeper", *one);
  orphan_of("sweeper", *two);
  ASSERT_TRUE(store->DeleteConversation("sweeper", *one).ok());
  auto kept = store->GetConversation("sweeper", *two);
  ASSERT_TRUE(kept.ok() && kept->has_value());  // the other conversation is whole
  EXPECT_EQ((*kept)->messages_json.size(), messages.size());
  ASSERT_TRUE(store->DeleteAllForUser("sweeper").ok());
  EXPECT_EQ(parts_left(), 0);
}

// Parts no head points at (a store killed between its parts and its head)
// are found by the sweep; old ones are deleted on repair, ones that may
// belong to a write in flight are left, and live conversations are untouched.
TEST_F(DynamoDBConversationTest, SweepFindsOrphanedPartsAndSparesLiveOnes) {
  auto store = Open();
  const std::string messages =
      json::array({{{"role", "user"}, {"content", std::string(500000, 'q')}}}).dump();
  auto live = store->StoreConversation("orphans", messages);
  ASSERT_TRUE(live.ok());
  auto put_part = [&](const std::string& sort_key) {
    dynamodb::PutItemRequest put;
    put.table_name = table_;
    put.item = {{"user_id", AttributeValue::S("mem0#parts#orphans")},
                {"conversation_id", AttributeValue::S(sort_key)},
                {"data", AttributeValue::B("abandoned")}};
    ASSERT_TRUE(client_->PutItem(put).ok());
  };
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  put_part("orphans:1:killed#0000000100-old#00000");                        // long ago
  put_part("orphans:2:killed#" + std::to_string(now) + "-inflight#00000");  // just now
  put_part("orphans:3:killed#legacy-random-generation#00000");              // untimed: old

  auto found = store->SweepOrphanedParts("orphans", /*repair=*/false, std::chrono::seconds(900));
  ASSERT_TRUE(found.ok()) << found.error().ToString();
  EXPECT_EQ(found->orphaned_parts, 3);
  EXPECT_EQ(found->too_recent, 1);
  EXPECT_EQ(found->deleted_parts, 0);
  auto repaired = store->SweepOrphanedParts("orphans", true, std::chrono::seconds(900));
  ASSERT_TRUE(repaired.ok());
  EXPECT_EQ(repaired->deleted_parts, 2);
  auto after = store->SweepOrphanedParts("orphans", true, std::chrono::seconds(0));
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->orphaned_parts, 1);  // the in-flight one, now old enough
  EXPECT_EQ(after->deleted_parts, 1);
  auto kept = store->GetConversation("orphans", *live);
  ASSERT_TRUE(kept.ok() && kept->has_value()) << (kept.ok() ? "absent" : kept.error().ToString());
  EXPECT_EQ((*kept)->messages_json.size(), messages.size());
  EXPECT_EQ(store->SweepOrphanedParts("orphans", true, std::chrono::seconds(0))->orphaned_parts, 0);
}

TEST_F(DynamoDBConversationTest, TheReferenceReadsWhatWeWrite) {
  auto store = Open();
  auto first = store->StoreConversation("alice", R"([{"role":"user","content":"first"}])",
                                        R"({"topic":"a"})");
  auto second = store->StoreConversation("alice", R"([{"role":"user","content":"second"}])");
  ASSERT_TRUE(first.ok() && second.ok());
  // History and recent messages live in other partitions of the same table.
  ASSERT_TRUE(store->AddHistory({"", "m1", std::nullopt, "x", "ADD", "2026-01-01T00:00:00Z"}).ok());
  ASSERT_TRUE(store->SaveMessages("alice", R"([{"role":"user","content":"recent"}])").ok());
  // A 1 MB conversation overflows into parts; its head still parses.
  std::string big =
      json::array({{{"role", "user"}, {"content", std::string(1 << 20, 'x')}}}).dump();
  auto large = store->StoreConversation("alice", big, R"({"size":"large"})");
  ASSERT_TRUE(large.ok()) << large.error().ToString();

  auto result = testing::RunPython("TABLE = '" + table_ + "'\n" + kReferenceReader);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  json listed = json::parse(result.out);
  ASSERT_EQ(listed.size(), 3u);  // nothing but conversations in the user's partition
  EXPECT_EQ(listed[0]["id"], *large);
  EXPECT_EQ(listed[0]["metadata"], json({{"size", "large"}}));
  EXPECT_EQ(listed[1]["id"], *second);
  EXPECT_EQ(listed[2]["messages"][0]["content"], "first");
  EXPECT_EQ(listed[2]["metadata"], json({{"topic", "a"}}));
}

TEST_F(DynamoDBConversationTest, WeReadWhatTheReferenceWrites) {
  // The reference: id "<user>:<unix seconds>", plain put_item.
  const std::string writer = R"PY(
import boto3, json
table = boto3.resource("dynamodb").Table(TABLE)
for seconds, text in [(1700000000, "older"), (1700000100, "newer")]:
    table.put_item(Item={"user_id": "bob", "conversation_id": f"bob:{seconds}",
                         "messages": json.dumps([{"role": "user", "content": text}]),
                         "timestamp": seconds, "metadata": json.dumps({"src": "python"})})
print("ok")
)PY";
  auto written = testing::RunPython("TABLE = '" + table_ + "'\n" + writer);
  ASSERT_EQ(written.exit_code, 0) << written.err;
  auto store = Open();
  auto mine = store->StoreConversation("bob", R"([{"role":"user","content":"ours"}])");
  ASSERT_TRUE(mine.ok());

  auto page = store->ListConversations("bob", 10);
  ASSERT_TRUE(page.ok()) << page.error().ToString();
  ASSERT_EQ(page->conversations.size(), 3u);
  EXPECT_EQ(page->conversations[0].conversation_id, *mine);  // newest first across both forms
  EXPECT_EQ(page->conversations[1].conversation_id, "bob:1700000100");
  EXPECT_EQ(page->conversations[2].conversation_id, "bob:1700000000");
  EXPECT_EQ(page->conversations[1].timestamp, 1700000100);
  EXPECT_EQ(json::parse(page->conversations[1].metadata_json), json({{"src", "python"}}));

  // Updating a reference item (no version attribute) works and keeps it
  // readable by the reference.
  ASSERT_TRUE(store
                  ->AppendMessages("bob", "bob:1700000000",
                                   R"([{"role":"assistant","content":"appended"}])")
                  .ok());
  auto got = store->GetConversation("bob", "bob:1700000000");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ(json::parse((*got)->messages_json).size(), 2u);
  EXPECT_EQ((*got)->timestamp, 1700000000);
}

TEST_F(DynamoDBConversationTest, FourProcessesAppendingLoseNothing) {
  auto store = Open();
  auto id = store->StoreConversation("carol", "[]");
  ASSERT_TRUE(id.ok());
  constexpr int kProcesses = 4, kAppends = 15;
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    pid_t pid = fork();
    if (pid == 0) {
      // A fresh client per process, as separate programs would have.
      store::DynamoDBConversationConfig config;
      config.table_name = table_;
      config.endpoint_url = testing::DynamoDBLocalEndpoint();
      config.region = "us-east-1";
      config.aws_access_key_id = "AKIDLOCAL";
      config.aws_secret_access_key = "local-secret";
      auto child = store::MakeDynamoDBConversationStore(config);
      int failures = child.ok() ? 0 : kAppends;
      for (int i = 0; child.ok() && i < kAppends; ++i) {
        const std::string message =
            json::array(
                {{{"role", "user"}, {"content", std::to_string(p) + "-" + std::to_string(i)}}})
                .dump();
        if (!(*child)->AppendMessages("carol", *id, message).ok()) ++failures;
      }
      _exit(failures);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  auto got = store->GetConversation("carol", *id);
  ASSERT_TRUE(got.ok() && got->has_value());
  json messages = json::parse((*got)->messages_json);
  ASSERT_EQ(messages.size(), static_cast<size_t>(kProcesses * kAppends));
  std::set<std::string> contents;
  for (const auto& m : messages) contents.insert(m["content"].get<std::string>());
  EXPECT_EQ(contents.size(), static_cast<size_t>(kProcesses * kAppends));
}

TEST_F(DynamoDBConversationTest, DynamoDBLocalRemovesExpiredConversations) {
  ASSERT_TRUE(client_->UpdateTimeToLive(table_, "expiration_time", true).ok());
  // Written as if 31 days ago with a 30-day TTL: already expired.
  auto past = std::make_shared<testing::FakeClock>(std::chrono::system_clock::now() -
                                                   std::chrono::hours(24 * 31));
  auto old_store = Open(past, 30);
  auto expired = old_store->StoreConversation("dave", R"([{"role":"user","content":"old"}])");
  ASSERT_TRUE(expired.ok());
  auto store = Open(nullptr, 30);
  auto live = store->StoreConversation("dave", R"([{"role":"user","content":"new"}])");
  ASSERT_TRUE(live.ok());

  // Hidden at once, before DynamoDB gets to it.
  EXPECT_FALSE(store->GetConversation("dave", *expired)->has_value());
  auto page = store->ListConversations("dave", 10);
  ASSERT_EQ(page->conversations.size(), 1u);
  EXPECT_EQ(page->conversations[0].conversation_id, *live);

  // And DynamoDB Local's TTL sweeper deletes the item itself.
  bool removed = false;
  for (int i = 0; i < 120 && !removed; ++i) {
    auto raw = client_->GetItem({table_,
                                 {{"user_id", AttributeValue::S("dave")},
                                  {"conversation_id", AttributeValue::S(*expired)}}});
    ASSERT_TRUE(raw.ok());
    removed = !raw->item.has_value();
    if (!removed) std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  EXPECT_TRUE(removed) << "DynamoDB Local did not remove the expired item within 60 s";
  auto raw_live = client_->GetItem(
      {table_,
       {{"user_id", AttributeValue::S("dave")}, {"conversation_id", AttributeValue::S(*live)}}});
  EXPECT_TRUE(raw_live->item.has_value());
}

TEST_F(DynamoDBConversationTest, RequestsPerOperation) {
  auto store = Open();
  auto& counters = client_->counters();
  counters.Reset();
  auto id = store->StoreConversation("erin", R"([{"role":"user","content":"x"}])");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(counters.Total(), 1u);  // one conditional PutItem
  counters.Reset();
  ASSERT_TRUE(store->GetConversation("erin", *id).ok());
  EXPECT_EQ(counters.Total(), 1u);
  counters.Reset();
  ASSERT_TRUE(store->AppendMessages("erin", *id, R"([{"role":"user","content":"y"}])").ok());
  EXPECT_EQ(counters.Total(), 2u);  // read + conditional write
  for (int i = 0; i < 12; ++i) ASSERT_TRUE(store->StoreConversation("erin", "[]").ok());
  counters.Reset();
  auto page = store->ListConversations("erin", 10);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->conversations.size(), 10u);
  EXPECT_EQ(counters.Total(), 1u);
}

}  // namespace
}  // namespace mem0

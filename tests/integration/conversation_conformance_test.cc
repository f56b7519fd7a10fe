// One conformance suite for every ConversationStore engine: each behaviour
// runs against SQLite (a fresh temp file) and DynamoDB Local (a fresh
// table), with a FakeClock so timestamps and TTLs are deterministic. An
// engine difference shows up as a test that passes for one engine only.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "mem0/store/conversation_store.h"
#include "support/result_assertions.h"
#include "support/test_env.h"

namespace mem0 {
namespace {

using Json = nlohmann::json;
using std::chrono::seconds;

constexpr int64_t kStartSeconds = 1700000000;  // FakeClock's default start
constexpr int64_t kDay = 86400;

// The storage behind one test: opens any number of stores over the same
// data (so a test can add a TTL store next to a plain one) and counts what
// the engine keeps for conversations, to check that nothing leaks.
class Engine {
 public:
  virtual ~Engine() = default;
  virtual Result<std::unique_ptr<store::ConversationStore>> Open(int ttl_days) = 0;
  // Stored items that belong to conversations (rows; heads plus overflow
  // parts on DynamoDB).
  virtual int64_t StoredConversationItems() = 0;
};

class SqliteEngine final : public Engine {
 public:
  explicit SqliteEngine(std::shared_ptr<Clock> clock) : clock_(std::move(clock)) {
    char pattern[] = "/tmp/mem0-conformance-XXXXXX";
    if (!mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    // A folder that does not exist yet: the store must create it.
    path_ = (dir_ / "nested" / "mem0.db").string();
  }
  ~SqliteEngine() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  Result<std::unique_ptr<store::ConversationStore>> Open(int ttl_days) override {
    store::SqliteConfig config;
    config.path = path_;
    config.ttl_days = ttl_days;
    config.clock = clock_;
    return store::MakeSqliteConversationStore(config);
  }

  int64_t StoredConversationItems() override {
    sqlite3* db = nullptr;
    int64_t count = -1;
    if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
      sqlite3_stmt* stmt = nullptr;
      if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM conversations", -1, &stmt, nullptr) ==
              SQLITE_OK &&
          sqlite3_step(stmt) == SQLITE_ROW) {
        count = sqlite3_column_int64(stmt, 0);
      }
      sqlite3_finalize(stmt);
    }
    sqlite3_close(db);
    return count;
  }

 private:
  std::shared_ptr<Clock> clock_;
  std::filesystem::path dir_;
  std::string path_;
};

class DynamoDBEngine final : public Engine {
 public:
  explicit DynamoDBEngine(std::shared_ptr<Clock> clock)
      : clock_(std::move(clock)),
        client_(testing::MakeLocalClient()),
        table_(testing::UniqueName("conformance")) {
    testing::CreateTestTable(*client_, table_, "user_id", "conversation_id");
  }
  ~DynamoDBEngine() override { (void)client_->DeleteTable(table_); }

  Result<std::unique_ptr<store::ConversationStore>> Open(int ttl_days) override {
    store::DynamoDBConversationConfig config;
    config.table_name = table_;
    config.client = client_;
    config.clock = clock_;
    config.ttl_enabled = ttl_days > 0;
    if (ttl_days > 0) config.ttl_days = ttl_days;
    return store::MakeDynamoDBConversationStore(config);
  }

  int64_t StoredConversationItems() override {
    dynamodb::ScanRequest scan;
    scan.table_name = table_;
    scan.consistent_read = true;
    auto all = client_->ScanAll(scan);
    if (!all.ok()) return -1;
    int64_t count = 0;
    for (const auto& item : all->items) {
      const std::string* partition = dynamodb::GetString(item, "user_id");
      if (partition && !partition->starts_with("mem0#history#") &&
          !partition->starts_with("mem0#messages#")) {
        ++count;
      }
    }
    return count;
  }

 private:
  std::shared_ptr<Clock> clock_;
  std::shared_ptr<dynamodb::Client> client_;
  std::string table_;
};

// `count` messages alternating user/assistant, contents "<prefix>0"...
Json MakeMessages(int count, const std::string& prefix = "m") {
  Json messages = Json::array();
  for (int i = 0; i < count; ++i) {
    messages.push_back(
        {{"role", i % 2 ? "assistant" : "user"}, {"content", prefix + std::to_string(i)}});
  }
  return messages;
}

// Letters that do not compress well, so DynamoDB overflow spans parts.
std::string RandomText(size_t bytes, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> letter('a', 'z');
  std::string text(bytes, ' ');
  for (auto& c : text) c = static_cast<char>(letter(rng));
  return text;
}

class ConversationConformanceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    clock_ = std::make_shared<testing::FakeClock>();
    if (GetParam() == "sqlite") {
      engine_ = std::make_unique<SqliteEngine>(clock_);
    } else {
      engine_ = std::make_unique<DynamoDBEngine>(clock_);
    }
    store_ = OpenStore(/*ttl_days=*/0);
    ASSERT_NE(store_, nullptr);
  }

  std::unique_ptr<store::ConversationStore> OpenStore(int ttl_days) {
    auto store = engine_->Open(ttl_days);
    EXPECT_TRUE(store.ok()) << store.error().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  // Every conversation of `user`, following page tokens; fails the test on
  // an error or a page shorter than `page_size` that is not the last.
  std::vector<store::Conversation> ListAll(store::ConversationStore& store, const std::string& user,
                                           int page_size) {
    std::vector<store::Conversation> all;
    std::string token;
    for (int pages = 0; pages < 10000; ++pages) {
      auto page = store.ListConversations(user, page_size, token);
      EXPECT_TRUE(page.ok()) << page.error().ToString();
      if (!page.ok()) break;
      for (auto& conversation : page->conversations) all.push_back(std::move(conversation));
      if (!page->next_token) break;
      EXPECT_EQ(page->conversations.size(), static_cast<size_t>(page_size))
          << "a page with a next_token must be full";
      token = *page->next_token;
    }
    return all;
  }

  std::string StoreOrFail(const std::string& user, const Json& messages,
                          const Json& metadata = Json::object()) {
    auto id = store_->StoreConversation(user, messages.dump(), metadata.dump());
    EXPECT_TRUE(id.ok()) << id.error().ToString();
    return id.ok() ? *id : std::string();
  }

  std::shared_ptr<testing::FakeClock> clock_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<store::ConversationStore> store_;
};

// ---------------------------------------------------------------------------
// Conversations: store, get, list.

TEST_P(ConversationConformanceTest, StoreThenGetRoundTripsMessagesAndMetadata) {
  const Json messages = Json::parse(R"([
    {"role": "user", "content": "caf\u00e9 \ud83d\ude00 \"quoted\"\n", "name": "alice"},
    {"role": "assistant", "content": "", "extra": {"n": [1, 2.5, null, true]}}
  ])");
  const Json metadata = {
      {"topic", "travel"}, {"nested", {{"k", {1, 2, 3}}}}, {"empty", Json::object()}};
  const std::string id = StoreOrFail("alice", messages, metadata);

  auto got = store_->GetConversation("alice", id);
  ASSERT_OK(got);
  ASSERT_TRUE(got->has_value());
  const store::Conversation& conversation = **got;
  EXPECT_EQ(conversation.user_id, "alice");
  EXPECT_EQ(conversation.conversation_id, id);
  EXPECT_EQ(Json::parse(conversation.messages_json), messages);
  EXPECT_EQ(Json::parse(conversation.metadata_json), metadata);
  EXPECT_EQ(conversation.timestamp, kStartSeconds);
  EXPECT_EQ(conversation.updated_at, kStartSeconds);
  EXPECT_FALSE(conversation.expiration_time.has_value()) << "no TTL configured";
}

TEST_P(ConversationConformanceTest, StoreDefaultsMetadataToEmptyObject) {
  auto id = store_->StoreConversation("alice", MakeMessages(1).dump());
  ASSERT_OK(id);
  auto got = store_->GetConversation("alice", *id);
  ASSERT_OK(got);
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(Json::parse((*got)->metadata_json), Json::object());
}

TEST_P(ConversationConformanceTest, GetOfMissingOrOtherUsersConversationIsEmpty) {
  const std::string id = StoreOrFail("alice", MakeMessages(1));
  auto missing = store_->GetConversation("alice", "alice:0000000000:0000000000000000");
  ASSERT_OK(missing);
  EXPECT_FALSE(missing->has_value());
  auto other_user = store_->GetConversation("bob", id);
  ASSERT_OK(other_user);
  EXPECT_FALSE(other_user->has_value());
}

TEST_P(ConversationConformanceTest, IdsArePrefixedAndUniqueWithinOneSecond) {
  // The clock never moves: all 200 ids share one second.
  std::set<std::string> ids;
  const std::string prefix = "alice:" + std::to_string(kStartSeconds) + ":";
  for (int i = 0; i < 200; ++i) {
    auto id = store_->StoreConversation("alice", MakeMessages(1, "c" + std::to_string(i)).dump());
    ASSERT_OK(id);
    EXPECT_TRUE(id->starts_with(prefix)) << *id;
    EXPECT_TRUE(ids.insert(*id).second) << "duplicate id " << *id;
  }
  EXPECT_EQ(ids.size(), 200u);
  const auto listed = ListAll(*store_, "alice", 1000);
  EXPECT_EQ(listed.size(), 200u) << "every stored conversation is kept (none overwritten)";
  std::set<std::string> contents;
  for (const auto& conversation : listed) {
    contents.insert(Json::parse(conversation.messages_json)[0]["content"].get<std::string>());
  }
  EXPECT_EQ(contents.size(), 200u);
}

TEST_P(ConversationConformanceTest, ListsNewestFirstUpToLimit) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(StoreOrFail("alice", MakeMessages(1, "c" + std::to_string(i))));
    clock_->Advance(seconds(1));
  }
  auto page = store_->ListConversations("alice", 3);
  ASSERT_OK(page);
  ASSERT_EQ(page->conversations.size(), 3u);
  EXPECT_EQ(page->conversations[0].conversation_id, ids[4]);
  EXPECT_EQ(page->conversations[1].conversation_id, ids[3]);
  EXPECT_EQ(page->conversations[2].conversation_id, ids[2]);
  EXPECT_TRUE(page->next_token.has_value()) << "two more conversations follow";
  EXPECT_EQ(Json::parse(page->conversations[0].messages_json), MakeMessages(1, "c4"));
  EXPECT_EQ(page->conversations[0].timestamp, kStartSeconds + 4);

  auto all = store_->ListConversations("alice", 10);
  ASSERT_OK(all);
  EXPECT_EQ(all->conversations.size(), 5u);
  EXPECT_FALSE(all->next_token.has_value()) << "fewer than the limit remain";
}

TEST_P(ConversationConformanceTest, PaginationCoversEveryConversationExactlyOnce) {
  std::set<std::string> stored;
  for (int i = 0; i < 23; ++i) {
    stored.insert(StoreOrFail("alice", MakeMessages(1)));
    if (i % 3 == 0) clock_->Advance(seconds(1));  // some ids share a second
  }
  StoreOrFail("bob", MakeMessages(1));  // another user's must not show up

  const auto listed = ListAll(*store_, "alice", 5);
  std::set<std::string> seen;
  for (size_t i = 0; i < listed.size(); ++i) {
    EXPECT_TRUE(seen.insert(listed[i].conversation_id).second)
        << "listed twice: " << listed[i].conversation_id;
    if (i > 0) {
      EXPECT_GT(listed[i - 1].conversation_id, listed[i].conversation_id);
    }
  }
  EXPECT_EQ(seen, stored);
}

TEST_P(ConversationConformanceTest, PageTokenOfAnotherUserOrMalformedIsRejected) {
  for (int i = 0; i < 3; ++i) StoreOrFail("alice", MakeMessages(1));
  StoreOrFail("bob", MakeMessages(1));
  auto page = store_->ListConversations("alice", 1);
  ASSERT_OK(page);
  ASSERT_TRUE(page->next_token.has_value());
  EXPECT_ERROR_CODE(store_->ListConversations("bob", 1, *page->next_token),
                    ErrorCode::kInvalidArgument);
  EXPECT_ERROR_CODE(store_->ListConversations("alice", 1, "not a token!"),
                    ErrorCode::kInvalidArgument);
  EXPECT_OK(store_->ListConversations("alice", 1, *page->next_token));
}

TEST_P(ConversationConformanceTest, ListLimitOutsideOneToThousandIsRejected) {
  EXPECT_ERROR_CODE(store_->ListConversations("alice", 0), ErrorCode::kInvalidArgument);
  EXPECT_ERROR_CODE(store_->ListConversations("alice", -1), ErrorCode::kInvalidArgument);
  EXPECT_ERROR_CODE(store_->ListConversations("alice", 1001), ErrorCode::kInvalidArgument);
  EXPECT_OK(store_->ListConversations("alice", 1000));
}

TEST_P(ConversationConformanceTest, ListReturnsLimitItemsWhenExpiredOnesAreInterleaved) {
  auto ttl_store = OpenStore(/*ttl_days=*/1);
  ASSERT_NE(ttl_store, nullptr);
  std::set<std::string> live;
  for (int i = 0; i < 10; ++i) {
    // Expires in a day; then one without TTL, a second newer.
    ASSERT_OK(ttl_store->StoreConversation("alice", MakeMessages(1).dump()));
    clock_->Advance(seconds(1));
    live.insert(StoreOrFail("alice", MakeMessages(1)));
    clock_->Advance(seconds(1));
  }
  clock_->Advance(seconds(kDay));  // every TTL conversation has expired

  for (int limit : {1, 3, 4, 10}) {
    auto page = store_->ListConversations("alice", limit);
    ASSERT_OK(page);
    EXPECT_EQ(page->conversations.size(), static_cast<size_t>(limit)) << "limit " << limit;
    for (const auto& conversation : page->conversations) {
      EXPECT_TRUE(live.count(conversation.conversation_id)) << "expired conversation listed";
    }
  }
  std::set<std::string> listed;
  for (const auto& conversation : ListAll(*store_, "alice", 3)) {
    listed.insert(conversation.conversation_id);
  }
  EXPECT_EQ(listed, live);
}

// ---------------------------------------------------------------------------
// Update, append, delete.

TEST_P(ConversationConformanceTest, UpdateSetsUpdatedAtAndReplacesMetadataOnlyWhenGiven) {
  const Json metadata = {{"topic", "first"}};
  const std::string id = StoreOrFail("alice", MakeMessages(2), metadata);

  clock_->Advance(seconds(10));
  ASSERT_OK(store_->UpdateConversation("alice", id, MakeMessages(3, "u").dump(), std::nullopt));
  auto got = store_->GetConversation("alice", id);
  ASSERT_OK(got);
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(Json::parse((*got)->messages_json), MakeMessages(3, "u"));
  EXPECT_EQ(Json::parse((*got)->metadata_json), metadata) << "metadata kept when not given";
  EXPECT_EQ((*got)->timestamp, kStartSeconds) << "creation time never changes";
  EXPECT_EQ((*got)->updated_at, kStartSeconds + 10);

  clock_->Advance(seconds(5));
  const Json new_metadata = {{"topic", "second"}, {"n", 2}};
  ASSERT_OK(store_->UpdateConversation("alice", id, "[]", new_metadata.dump()));
  got = store_->GetConversation("alice", id);
  ASSERT_OK(got);
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(Json::parse((*got)->messages_json), Json::array());
  EXPECT_EQ(Json::parse((*got)->metadata_json), new_metadata);
  EXPECT_EQ((*got)->updated_at, kStartSeconds + 15);
}

TEST_P(ConversationConformanceTest, UpdateAppendDeleteOfMissingAreNotFoundAndWriteNothing) {
  const std::string missing = "alice:1700000000:0123456789abcdef";
  EXPECT_ERROR_CODE(store_->UpdateConversation("alice", missing, "[]", "{}"), ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(store_->AppendMessages("alice", missing, MakeMessages(1).dump()),
                    ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(store_->DeleteConversation("alice", missing), ErrorCode::kNotFound);
  // Another user's conversation is missing too.
  const std::string bobs = StoreOrFail("bob", MakeMessages(1));
  EXPECT_ERROR_CODE(store_->UpdateConversation("alice", bobs, "[]", std::nullopt),
                    ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(store_->AppendMessages("alice", bobs, MakeMessages(1).dump()),
                    ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(store_->DeleteConversation("alice", bobs), ErrorCode::kNotFound);

  auto alice = store_->ListConversations("alice", 10);
  ASSERT_OK(alice);
  EXPECT_TRUE(alice->conversations.empty());
  EXPECT_EQ(engine_->StoredConversationItems(), 1) << "only bob's conversation";
  auto bob = store_->GetConversation("bob", bobs);
  ASSERT_OK(bob);
  ASSERT_TRUE(bob->has_value());
  EXPECT_EQ(Json::parse((*bob)->messages_json), MakeMessages(1));
}

TEST_P(ConversationConformanceTest, AppendAddsMessagesAtTheEnd) {
  const std::string id = StoreOrFail("alice", MakeMessages(2, "a"), {{"keep", true}});
  clock_->Advance(seconds(3));
  ASSERT_OK(store_->AppendMessages("alice", id, MakeMessages(2, "b").dump()));
  ASSERT_OK(store_->AppendMessages("alice", id, "[]"));
  auto got = store_->GetConversation("alice", id);
  ASSERT_OK(got);
  ASSERT_TRUE(got->has_value());
  Json expected = MakeMessages(2, "a");
  for (const auto& message : MakeMessages(2, "b")) expected.push_back(message);
  EXPECT_EQ(Json::parse((*got)->messages_json), expected);
  EXPECT_EQ(Json::parse((*got)->metadata_json), Json({{"keep", true}}));
  EXPECT_EQ((*got)->updated_at, kStartSeconds + 3);
}

TEST_P(ConversationConformanceTest, ConcurrentAppendsLoseNothing) {
  constexpr int kThreads = 8;
  constexpr int kAppendsPerThread = 25;
  const std::string id = StoreOrFail("alice", MakeMessages(2, "initial"));
  std::atomic<int> failures{0};
  std::vector<std::string> first_errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAppendsPerThread; ++i) {
        const Json message = Json::array(
            {{{"role", "user"}, {"content", "t" + std::to_string(t) + "-" + std::to_string(i)}}});
        auto appended = store_->AppendMessages("alice", id, message.dump());
        if (!appended.ok()) {
          if (failures.fetch_add(1) == 0) first_errors[t] = appended.error().ToString();
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0) << [&] {
    std::string all;
    for (const auto& error : first_errors) all += error.empty() ? "" : error + "\n";
    return all;
  }();

  auto got = store_->GetConversation("alice", id);
  ASSERT_OK(got);
  ASSERT_TRUE(got->has_value());
  const Json messages = Json::parse((*got)->messages_json);
  ASSERT_EQ(messages.size(), static_cast<size_t>(2 + kThreads * kAppendsPerThread));
  EXPECT_EQ(messages[0]["content"], "initial0");
  EXPECT_EQ(messages[1]["content"], "initial1");
  // Every append landed once, and each thread's appends kept their order.
  std::map<int, int> next_per_thread;
  for (size_t i = 2; i < messages.size(); ++i) {
    const std::string content = messages[i]["content"];
    int thread = -1, index = -1;
    ASSERT_EQ(std::sscanf(content.c_str(), "t%d-%d", &thread, &index), 2) << content;
    EXPECT_EQ(index, next_per_thread[thread]++) << "thread " << thread << " out of order";
  }
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(next_per_thread[t], kAppendsPerThread);
}

TEST_P(ConversationConformanceTest, DeleteRemovesOnlyThatConversation) {
  const std::string doomed = StoreOrFail("alice", MakeMessages(1));
  const std::string kept = StoreOrFail("alice", MakeMessages(2));
  ASSERT_OK(store_->DeleteConversation("alice", doomed));
  auto gone = store_->GetConversation("alice", doomed);
  ASSERT_OK(gone);
  EXPECT_FALSE(gone->has_value());
  EXPECT_ERROR_CODE(store_->DeleteConversation("alice", doomed), ErrorCode::kNotFound);
  auto still = store_->GetConversation("alice", kept);
  ASSERT_OK(still);
  EXPECT_TRUE(still->has_value());
  EXPECT_EQ(engine_->StoredConversationItems(), 1);
}

TEST_P(ConversationConformanceTest, DeleteAllForUserCountsAndLeavesOtherUsersAlone) {
  for (int i = 0; i < 3; ++i) StoreOrFail("alice", MakeMessages(1));
  for (int i = 0; i < 2; ++i) StoreOrFail("bob", MakeMessages(1));
  auto deleted = store_->DeleteAllForUser("alice");
  ASSERT_OK(deleted);
  EXPECT_EQ(*deleted, 3);
  auto alice = store_->ListConversations("alice", 10);
  ASSERT_OK(alice);
  EXPECT_TRUE(alice->conversations.empty());
  auto bob = store_->ListConversations("bob", 10);
  ASSERT_OK(bob);
  EXPECT_EQ(bob->conversations.size(), 2u);
  auto again = store_->DeleteAllForUser("alice");
  ASSERT_OK(again);
  EXPECT_EQ(*again, 0);
  auto nobody = store_->DeleteAllForUser("nobody");
  ASSERT_OK(nobody);
  EXPECT_EQ(*nobody, 0);
}

// ---------------------------------------------------------------------------
// TTL.

TEST_P(ConversationConformanceTest, TtlSetsExpirationAndExpiryHidesConversations) {
  auto ttl_store = OpenStore(/*ttl_days=*/2);
  ASSERT_NE(ttl_store, nullptr);
  auto id = ttl_store->StoreConversation("alice", MakeMessages(1).dump());
  ASSERT_OK(id);
  auto got = ttl_store->GetConversation("alice", *id);
  ASSERT_OK(got);
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->expiration_time, kStartSeconds + 2 * kDay);

  clock_->Advance(seconds(2 * kDay - 1));
  got = ttl_store->GetConversation("alice", *id);
  ASSERT_OK(got);
  EXPECT_TRUE(got->has_value()) << "one second before expiry";

  clock_->Advance(seconds(1));  // expiration_time <= now: expired
  for (store::ConversationStore* store : {ttl_store.get(), store_.get()}) {
    got = store->GetConversation("alice", *id);
    ASSERT_OK(got);
    EXPECT_FALSE(got->has_value());
    auto page = store->ListConversations("alice", 10);
    ASSERT_OK(page);
    EXPECT_TRUE(page->conversations.empty());
  }
}

TEST_P(ConversationConformanceTest, ExpiredConversationCannotBeUpdatedOrAppended) {
  auto ttl_store = OpenStore(/*ttl_days=*/1);
  ASSERT_NE(ttl_store, nullptr);
  auto id = ttl_store->StoreConversation("alice", MakeMessages(1).dump());
  ASSERT_OK(id);
  clock_->Advance(seconds(kDay));
  EXPECT_ERROR_CODE(ttl_store->UpdateConversation("alice", *id, "[]", std::nullopt),
                    ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(ttl_store->AppendMessages("alice", *id, MakeMessages(1).dump()),
                    ErrorCode::kNotFound);
  // Not revived by the failed writes.
  auto got = ttl_store->GetConversation("alice", *id);
  ASSERT_OK(got);
  EXPECT_FALSE(got->has_value());
}

// Regression: the DynamoDB engine once conditioned the delete only on
// attribute_exists(conversation_id), so deleting an expired conversation
// (absent for get/list/update/append) succeeded.
TEST_P(ConversationConformanceTest, DeleteOfExpiredConversationIsNotFound) {
  auto ttl_store = OpenStore(/*ttl_days=*/1);
  ASSERT_NE(ttl_store, nullptr);
  auto id = ttl_store->StoreConversation("alice", MakeMessages(1).dump());
  ASSERT_OK(id);
  clock_->Advance(seconds(kDay));
  EXPECT_ERROR_CODE(ttl_store->DeleteConversation("alice", *id), ErrorCode::kNotFound);
  auto page = store_->ListConversations("alice", 10);
  ASSERT_OK(page);
  EXPECT_TRUE(page->conversations.empty());
}

// Regression: the DynamoDB engine once counted expired conversations that
// callers could no longer see, so the count depended on whether DynamoDB's
// TTL sweeper had run yet.
TEST_P(ConversationConformanceTest, DeleteAllForUserCountsOnlyLiveConversations) {
  auto ttl_store = OpenStore(/*ttl_days=*/1);
  ASSERT_NE(ttl_store, nullptr);
  ASSERT_OK(ttl_store->StoreConversation("alice", MakeMessages(1).dump()));
  StoreOrFail("alice", MakeMessages(1));  // no TTL
  clock_->Advance(seconds(kDay));
  auto deleted = store_->DeleteAllForUser("alice");
  ASSERT_OK(deleted);
  EXPECT_EQ(*deleted, 1) << "the expired conversation must not be counted";
  EXPECT_EQ(engine_->StoredConversationItems(), 0) << "expired rows are removed as well";
}

TEST_P(ConversationConformanceTest, TtlIsRefreshedByUpdateAndAppend) {
  auto ttl_store = OpenStore(/*ttl_days=*/1);
  ASSERT_NE(ttl_store, nullptr);
  auto id = ttl_store->StoreConversation("alice", MakeMessages(1).dump());
  ASSERT_OK(id);

  clock_->Advance(seconds(kDay / 2));
  ASSERT_OK(ttl_store->AppendMessages("alice", *id, MakeMessages(1).dump()));
  auto got = ttl_store->GetConversation("alice", *id);
  ASSERT_OK(got);
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->expiration_time, kStartSeconds + kDay / 2 + kDay);

  clock_->Advance(seconds(kDay / 2));
  ASSERT_OK(ttl_store->UpdateConversation("alice", *id, "[]", std::nullopt));
  got = ttl_store->GetConversation("alice", *id);
  ASSERT_OK(got);
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->expiration_time, kStartSeconds + 2 * kDay);

  // A store without TTL keeps the expiration it finds.
  ASSERT_OK(store_->UpdateConversation("alice", *id, "[]", std::nullopt));
  got = store_->GetConversation("alice", *id);
  ASSERT_OK(got);
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->expiration_time, kStartSeconds + 2 * kDay);
}

// ---------------------------------------------------------------------------
// Large conversations.

TEST_P(ConversationConformanceTest, TwoMegabyteConversationRoundTripsListsUpdatesAndDeletes) {
  Json messages = Json::array();
  for (int i = 0; i < 20; ++i) {
    messages.push_back({{"role", i % 2 ? "assistant" : "user"},
                        {"content", RandomText(100 * 1024, static_cast<uint32_t>(i))}});
  }
  const Json metadata = {{"size", "2MB"}};
  ASSERT_GE(messages.dump().size(), 2u * 1000 * 1000);
  const std::string id = StoreOrFail("alice", messages, metadata);
  clock_->Advance(seconds(1));
  const std::string small = StoreOrFail("alice", MakeMessages(1));

  auto got = store_->GetConversation("alice", id);
  ASSERT_OK(got);
  ASSERT_TRUE(got->has_value());
  EXPECT_TRUE(Json::parse((*got)->messages_json) == messages);
  EXPECT_EQ(Json::parse((*got)->metadata_json), metadata);

  auto page = store_->ListConversations("alice", 10);
  ASSERT_OK(page);
  ASSERT_EQ(page->conversations.size(), 2u);
  EXPECT_EQ(page->conversations[0].conversation_id, small);
  EXPECT_EQ(page->conversations[1].conversation_id, id);
  EXPECT_TRUE(Json::parse(page->conversations[1].messages_json) == messages);

  ASSERT_OK(store_->UpdateConversation("alice", id, MakeMessages(2).dump(), std::nullopt));
  got = store_->GetConversation("alice", id);
  ASSERT_OK(got);
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(Json::parse((*got)->messages_json), MakeMessages(2));
  EXPECT_EQ(Json::parse((*got)->metadata_json), metadata);
  EXPECT_EQ(engine_->StoredConversationItems(), 2) << "nothing of the large body is left";

  ASSERT_OK(store_->DeleteConversation("alice", id));
  ASSERT_OK(store_->DeleteConversation("alice", small));
  EXPECT_EQ(engine_->StoredConversationItems(), 0);
}

TEST_P(ConversationConformanceTest, MegabyteOfMetadataAndMessagesRoundTrips) {
  const Json metadata = {{"notes", RandomText(600 * 1024, 7)}, {"tags", {"a", "b"}}};
  Json messages = Json::array();
  for (int i = 0; i < 4; ++i) {
    messages.push_back({{"role", "user"}, {"content", RandomText(100 * 1024, 100 + i)}});
  }
  ASSERT_GE(metadata.dump().size() + messages.dump().size(), 1000u * 1000);
  const std::string id = StoreOrFail("alice", messages, metadata);

  auto got = store_->GetConversation("alice", id);
  ASSERT_OK(got);
  ASSERT_TRUE(got->has_value());
  EXPECT_TRUE(Json::parse((*got)->messages_json) == messages);
  EXPECT_TRUE(Json::parse((*got)->metadata_json) == metadata);
  auto page = store_->ListConversations("alice", 1);
  ASSERT_OK(page);
  ASSERT_EQ(page->conversations.size(), 1u);
  EXPECT_TRUE(Json::parse(page->conversations[0].metadata_json) == metadata);

  // Growing it by append keeps everything.
  ASSERT_OK(store_->AppendMessages("alice", id, MakeMessages(1, "tail").dump()));
  got = store_->GetConversation("alice", id);
  ASSERT_OK(got);
  ASSERT_TRUE(got->has_value());
  Json grown = messages;
  grown.push_back(MakeMessages(1, "tail")[0]);
  EXPECT_TRUE(Json::parse((*got)->messages_json) == grown);
  EXPECT_TRUE(Json::parse((*got)->metadata_json) == metadata);

  ASSERT_OK(store_->UpdateConversation("alice", id, "[]", "{}"));
  got = store_->GetConversation("alice", id);
  ASSERT_OK(got);
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->messages_json, "[]");
  EXPECT_EQ((*got)->metadata_json, "{}");
  EXPECT_EQ(engine_->StoredConversationItems(), 1);

  ASSERT_OK(store_->StoreConversation("alice", messages.dump(), metadata.dump()));
  auto deleted = store_->DeleteAllForUser("alice");
  ASSERT_OK(deleted);
  EXPECT_EQ(*deleted, 2);
  EXPECT_EQ(engine_->StoredConversationItems(), 0) << "delete_all removes overflow too";
}

// ---------------------------------------------------------------------------
// Bad input: kInvalidArgument and nothing written.

TEST_P(ConversationConformanceTest, BadUserIdsAreRejected) {
  const std::string messages = MakeMessages(1).dump();
  const std::vector<std::string> bad_users = {"",         std::string(2049, 'u'), "bad\xff",
                                              "half\xc3", "mem0#history#x",       "mem0#"};
  for (const auto& user : bad_users) {
    SCOPED_TRACE("user id of " + std::to_string(user.size()) + " bytes: " + user.substr(0, 20));
    EXPECT_ERROR_CODE(store_->StoreConversation(user, messages), ErrorCode::kInvalidArgument);
    EXPECT_ERROR_CODE(store_->GetConversation(user, "x"), ErrorCode::kInvalidArgument);
    EXPECT_ERROR_CODE(store_->ListConversations(user, 10), ErrorCode::kInvalidArgument);
    EXPECT_ERROR_CODE(store_->UpdateConversation(user, "x", messages, std::nullopt),
                      ErrorCode::kInvalidArgument);
    EXPECT_ERROR_CODE(store_->AppendMessages(user, "x", messages), ErrorCode::kInvalidArgument);
    EXPECT_ERROR_CODE(store_->DeleteConversation(user, "x"), ErrorCode::kInvalidArgument);
    EXPECT_ERROR_CODE(store_->DeleteAllForUser(user), ErrorCode::kInvalidArgument);
  }
  EXPECT_EQ(engine_->StoredConversationItems(), 0);
}

TEST_P(ConversationConformanceTest, LongestUserIdIsAccepted) {
  const std::string user(2048, 'u');
  auto id = store_->StoreConversation(user, MakeMessages(1).dump());
  ASSERT_OK(id);
  EXPECT_LE(id->size(), 1024u) << "ids fit DynamoDB's sort key limit";
  auto got = store_->GetConversation(user, *id);
  ASSERT_OK(got);
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->user_id, user);
  auto page = store_->ListConversations(user, 10);
  ASSERT_OK(page);
  EXPECT_EQ(page->conversations.size(), 1u);
  ASSERT_OK(store_->DeleteConversation(user, *id));
}

TEST_P(ConversationConformanceTest, BadConversationIdsAreRejected) {
  const std::string id = StoreOrFail("alice", MakeMessages(1));
  const std::vector<std::string> bad_ids = {"", std::string(1025, 'c'), "bad\xfe"};
  for (const auto& bad : bad_ids) {
    SCOPED_TRACE("conversation id of " + std::to_string(bad.size()) + " bytes");
    EXPECT_ERROR_CODE(store_->GetConversation("alice", bad), ErrorCode::kInvalidArgument);
    EXPECT_ERROR_CODE(store_->UpdateConversation("alice", bad, "[]", std::nullopt),
                      ErrorCode::kInvalidArgument);
    EXPECT_ERROR_CODE(store_->AppendMessages("alice", bad, "[]"), ErrorCode::kInvalidArgument);
    EXPECT_ERROR_CODE(store_->DeleteConversation("alice", bad), ErrorCode::kInvalidArgument);
  }
  auto missing = store_->GetConversation("alice", std::string(1024, 'c'));
  ASSERT_OK(missing);
  EXPECT_FALSE(missing->has_value()) << "1024 bytes is still a valid id";
  EXPECT_EQ(engine_->StoredConversationItems(), 1);
}

TEST_P(ConversationConformanceTest, MalformedMessagesAndMetadataAreRejectedWritingNothing) {
  const std::string id = StoreOrFail("alice", MakeMessages(2), {{"keep", 1}});
  const std::vector<std::string> bad_messages = {
      "",
      "not json",
      R"({"role": "user", "content": "an object, not an array"})",
      R"("text")",
      R"([1])",
      R"(["text"])",
      R"([{"content": "no role"}])",
      R"([{"role": "user"}])",
      R"([{"role": 5, "content": "role not a string"}])",
      R"([{"role": "user", "content": 5}])",
      R"([{"role": "user", "content": {"parts": []}}])",
      R"([{"role": "user", "content": null}])",
      R"([{"role": "user", "content": "ok"}, {"role": "user"}])",
      "[{\"role\": \"user\", \"content\": \"bad \xff utf-8\"}]",
      R"([{"role": "user", "content": "lone \ud800 surrogate"}])",
      // Nesting past the limit (64) is refused before any recursive parse:
      // 100,000 levels once overflowed the stack.
      R"([{"role": "user", "content": "x", "extra": )" + std::string(100000, '[') +
          std::string(100000, ']') + "}]",
      R"([{"role": "user", "content": "x", "extra": )" + std::string(65, '[') +
          std::string(65, ']') + "}]",
  };
  for (const auto& messages : bad_messages) {
    SCOPED_TRACE("messages: " + messages);
    EXPECT_ERROR_CODE(store_->StoreConversation("alice", messages), ErrorCode::kInvalidArgument);
    EXPECT_ERROR_CODE(store_->UpdateConversation("alice", id, messages, std::nullopt),
                      ErrorCode::kInvalidArgument);
    EXPECT_ERROR_CODE(store_->AppendMessages("alice", id, messages), ErrorCode::kInvalidArgument);
    EXPECT_ERROR_CODE(store_->SaveMessages("scope", messages), ErrorCode::kInvalidArgument);
  }
  const std::vector<std::string> bad_metadata = {
      "", "[]", "3", R"("text")", "null", "not json", "{\"k\": \"\xc3\"}", "{\"k\": 1} trailing"};
  for (const auto& metadata : bad_metadata) {
    SCOPED_TRACE("metadata: " + metadata);
    EXPECT_ERROR_CODE(store_->StoreConversation("alice", "[]", metadata),
                      ErrorCode::kInvalidArgument);
    EXPECT_ERROR_CODE(store_->UpdateConversation("alice", id, "[]", metadata),
                      ErrorCode::kInvalidArgument);
  }

  auto got = store_->GetConversation("alice", id);
  ASSERT_OK(got);
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(Json::parse((*got)->messages_json), MakeMessages(2)) << "unchanged";
  EXPECT_EQ(Json::parse((*got)->metadata_json), Json({{"keep", 1}}));
  EXPECT_EQ((*got)->updated_at, kStartSeconds);
  EXPECT_EQ(engine_->StoredConversationItems(), 1);
  auto recent = store_->GetLastMessages("scope", 10);
  ASSERT_OK(recent);
  EXPECT_EQ(*recent, "[]");
}

// ---------------------------------------------------------------------------
// History.

store::HistoryRecord FullRecord(const std::string& memory_id, const std::string& created_at) {
  store::HistoryRecord record;
  record.id = "h-" + memory_id + "-" + created_at;
  record.memory_id = memory_id;
  record.old_memory = "likes tea";
  record.new_memory = "likes green tea \xe2\x98\x95";
  record.event = "UPDATE";
  record.created_at = created_at;
  record.updated_at = "2024-05-02T00:00:00+00:00";
  record.is_deleted = true;
  record.actor_id = "actor-1";
  record.role = "user";
  return record;
}

void ExpectSameRecord(const store::HistoryRecord& expected, const store::HistoryRecord& actual) {
  EXPECT_EQ(actual.id, expected.id);
  EXPECT_EQ(actual.memory_id, expected.memory_id);
  EXPECT_EQ(actual.old_memory, expected.old_memory);
  EXPECT_EQ(actual.new_memory, expected.new_memory);
  EXPECT_EQ(actual.event, expected.event);
  EXPECT_EQ(actual.created_at, expected.created_at);
  EXPECT_EQ(actual.updated_at, expected.updated_at);
  EXPECT_EQ(actual.is_deleted, expected.is_deleted);
  EXPECT_EQ(actual.actor_id, expected.actor_id);
  EXPECT_EQ(actual.role, expected.role);
}

TEST_P(ConversationConformanceTest, SweepFindsNothingWhenEveryWriteCompleted) {
  StoreOrFail("alice", MakeMessages(2));
  StoreOrFail("alice",
              Json::array({{{"role", "user"}, {"content", std::string(600 * 1024, 's')}}}));
  auto sweep = store_->SweepOrphanedParts("alice", true, std::chrono::seconds(0));
  ASSERT_OK(sweep);
  EXPECT_EQ(sweep->orphaned_parts, 0);
  EXPECT_EQ(sweep->deleted_parts, 0);
  EXPECT_ERROR_CODE(store_->SweepOrphanedParts("", false, std::chrono::seconds(0)),
                    ErrorCode::kInvalidArgument);
  EXPECT_ERROR_CODE(store_->SweepOrphanedParts("alice", false, std::chrono::seconds(-1)),
                    ErrorCode::kInvalidArgument);
  auto listed = store_->ListConversations("alice", 10);
  ASSERT_OK(listed);
  EXPECT_EQ(listed->conversations.size(), 2u);
}

TEST_P(ConversationConformanceTest, HistoryRoundTripsEveryFieldIncludingAbsentOnes) {
  const store::HistoryRecord full = FullRecord("mem-1", "2024-05-01T00:00:00+00:00");
  auto full_id = store_->AddHistory(full);
  ASSERT_OK(full_id);
  EXPECT_EQ(*full_id, full.id) << "a given id is kept";

  store::HistoryRecord minimal;  // no id: one is generated; optional fields absent
  minimal.memory_id = "mem-1";
  minimal.event = "ADD";
  minimal.created_at = "2024-05-01T00:00:01+00:00";
  auto minimal_id = store_->AddHistory(minimal);
  ASSERT_OK(minimal_id);
  EXPECT_FALSE(minimal_id->empty());
  minimal.id = *minimal_id;

  store::HistoryRecord empty_strings = minimal;  // present but empty is not absent
  empty_strings.id = "h-empty";
  empty_strings.created_at = "2024-05-01T00:00:02+00:00";
  empty_strings.old_memory = "";
  empty_strings.new_memory = "";
  empty_strings.event = "DELETE";
  ASSERT_OK(store_->AddHistory(empty_strings));

  auto history = store_->GetHistory("mem-1");
  ASSERT_OK(history);
  ASSERT_EQ(history->size(), 3u);
  ExpectSameRecord(full, (*history)[0]);
  ExpectSameRecord(minimal, (*history)[1]);
  ExpectSameRecord(empty_strings, (*history)[2]);
}

TEST_P(ConversationConformanceTest, HistoryIsChronologicalThenInInsertionOrder) {
  auto record = [](const std::string& id, const std::string& created_at) {
    store::HistoryRecord r;
    r.id = id;
    r.memory_id = "mem-1";
    r.event = "ADD";
    r.created_at = created_at;
    return r;
  };
  // Added out of time order; b1..b3 share a created_at.
  ASSERT_OK(store_->AddHistory(record("c", "2024-01-03T00:00:00")));
  ASSERT_OK(store_->AddHistory(record("b1", "2024-01-02T00:00:00")));
  ASSERT_OK(store_->AddHistory(record("a", "2024-01-01T00:00:00")));
  ASSERT_OK(store_->AddHistory(record("b2", "2024-01-02T00:00:00")));
  ASSERT_OK(store_->BatchAddHistory(
      {record("b3", "2024-01-02T00:00:00"), record("d1", "2024-01-04T00:00:00"),
       record("d2", "2024-01-04T00:00:00"), record("a0", "2023-12-31T23:59:59")}));
  // Another memory's records stay apart.
  store::HistoryRecord other = record("other", "2024-01-02T00:00:00");
  other.memory_id = "mem-2";
  ASSERT_OK(store_->AddHistory(other));

  auto history = store_->GetHistory("mem-1");
  ASSERT_OK(history);
  std::vector<std::string> ids;
  for (const auto& r : *history) ids.push_back(r.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"a0", "a", "b1", "b2", "b3", "c", "d1", "d2"}));
  auto others = store_->GetHistory("mem-2");
  ASSERT_OK(others);
  ASSERT_EQ(others->size(), 1u);
  EXPECT_EQ((*others)[0].id, "other");
  auto none = store_->GetHistory("mem-unknown");
  ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
}

TEST_P(ConversationConformanceTest, BatchAddHistoryGeneratesIdsAndAcceptsEmptyBatch) {
  std::vector<store::HistoryRecord> batch(30);
  for (size_t i = 0; i < batch.size(); ++i) {
    batch[i].memory_id = "mem-batch";
    batch[i].event = "ADD";
    batch[i].created_at = "2024-01-01T00:00:00";
    batch[i].new_memory = "fact " + std::to_string(i);
  }
  ASSERT_OK(store_->BatchAddHistory(batch));
  ASSERT_OK(store_->BatchAddHistory({}));
  auto history = store_->GetHistory("mem-batch");
  ASSERT_OK(history);
  ASSERT_EQ(history->size(), batch.size());
  std::set<std::string> ids;
  for (size_t i = 0; i < history->size(); ++i) {
    EXPECT_EQ((*history)[i].new_memory, "fact " + std::to_string(i)) << "batch order kept";
    EXPECT_FALSE((*history)[i].id.empty());
    ids.insert((*history)[i].id);
  }
  EXPECT_EQ(ids.size(), batch.size());
}

TEST_P(ConversationConformanceTest, InvalidHistoryRecordsAreRejectedWritingNothing) {
  store::HistoryRecord valid;
  valid.memory_id = "mem-1";
  valid.event = "ADD";
  valid.created_at = "2024-01-01T00:00:00";
  std::vector<store::HistoryRecord> invalid(5, valid);
  invalid[0].memory_id = "";
  invalid[1].memory_id = std::string(1001, 'm');
  invalid[2].event = "";
  invalid[3].created_at = "";
  invalid[4].old_memory = "bad \xff";
  for (const auto& record : invalid) {
    EXPECT_ERROR_CODE(store_->AddHistory(record), ErrorCode::kInvalidArgument);
    // One bad record fails the whole batch before anything is written.
    EXPECT_ERROR_CODE(store_->BatchAddHistory({valid, record}), ErrorCode::kInvalidArgument);
  }
  EXPECT_ERROR_CODE(store_->GetHistory(""), ErrorCode::kInvalidArgument);
  auto history = store_->GetHistory("mem-1");
  ASSERT_OK(history);
  EXPECT_TRUE(history->empty());
}

// Regression: ValidateHistoryRecord once checked UTF-8 only in
// old_memory/new_memory/actor_id/role; invalid UTF-8 elsewhere was stored by
// SQLite and made the DynamoDB engine throw from JSON serialization.
TEST_P(ConversationConformanceTest, HistoryRecordWithInvalidUtf8InAnyTextFieldIsRejected) {
  store::HistoryRecord valid;
  valid.memory_id = "mem-utf8";
  valid.event = "ADD";
  valid.created_at = "2024-01-01T00:00:00";
  std::vector<store::HistoryRecord> invalid(4, valid);
  invalid[0].id = "id-\xff";
  invalid[1].event = "ADD\xff";
  invalid[2].created_at = "2024-01-01\xff";
  invalid[3].updated_at = "2024-01-01\xff";
  for (const auto& record : invalid) {
    Result<std::string> added = MakeError(ErrorCode::kInternal, "not run");
    try {
      added = store_->AddHistory(record);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "AddHistory threw instead of returning an error: " << e.what();
      continue;
    }
    EXPECT_ERROR_CODE(added, ErrorCode::kInvalidArgument);
  }
}

// The DynamoDB engine keys history by created_at#seq#id (sort key <= 1024
// bytes) and stores each record or recent message as one item (<= 400 KB);
// the shared limits make SQLite reject the same input instead of accepting
// what DynamoDB cannot store (regression: it once did).
TEST_P(ConversationConformanceTest, OversizedHistoryRecordsAndMessagesAreRejectedAlike) {
  store::HistoryRecord valid;
  valid.memory_id = "mem-big";
  valid.event = "ADD";
  valid.created_at = "2024-01-01T00:00:00";
  std::vector<store::HistoryRecord> oversized(3, valid);
  oversized[0].created_at = "2024-01-01T00:00:00" + std::string(1100, '0');
  oversized[1].id = std::string(1100, 'i');
  oversized[2].new_memory = RandomText(450 * 1024, 3);
  for (const auto& record : oversized) {
    EXPECT_ERROR_CODE(store_->AddHistory(record), ErrorCode::kInvalidArgument);
  }
  const Json big_message =
      Json::array({{{"role", "user"}, {"content", RandomText(450 * 1024, 4)}}});
  EXPECT_ERROR_CODE(store_->SaveMessages("scope-big", big_message.dump()),
                    ErrorCode::kInvalidArgument);
  auto history = store_->GetHistory("mem-big");
  ASSERT_OK(history);
  EXPECT_EQ(history->size(), 0u);
  auto recent = store_->GetLastMessages("scope-big", 10);
  ASSERT_OK(recent);
  EXPECT_EQ(Json::parse(*recent).size(), 0u);  // not the text: it would be 450 KB
}

// ---------------------------------------------------------------------------
// Recent messages.

TEST_P(ConversationConformanceTest, SaveMessagesKeepsOnlyTheNewestTenPerScope) {
  ASSERT_OK(store_->SaveMessages("s1", MakeMessages(4, "a").dump()));
  ASSERT_OK(store_->SaveMessages("s1", MakeMessages(4, "b").dump()));
  ASSERT_OK(store_->SaveMessages("s1", MakeMessages(5, "c").dump()));
  auto last = store_->GetLastMessages("s1", 100);
  ASSERT_OK(last);
  const Json kept = Json::parse(*last);
  ASSERT_EQ(kept.size(), static_cast<size_t>(store::ConversationStore::kRecentMessagesKept));
  std::vector<std::string> contents;
  for (const auto& message : kept) contents.push_back(message["content"]);
  EXPECT_EQ(contents,
            (std::vector<std::string>{"a3", "b0", "b1", "b2", "b3", "c0", "c1", "c2", "c3", "c4"}));

  // More than ten in one call: the last ten of it stay.
  ASSERT_OK(store_->SaveMessages("s2", MakeMessages(15, "d").dump()));
  last = store_->GetLastMessages("s2", 100);
  ASSERT_OK(last);
  const Json one_call = Json::parse(*last);
  ASSERT_EQ(one_call.size(), 10u);
  EXPECT_EQ(one_call.front()["content"], "d5");
  EXPECT_EQ(one_call.back()["content"], "d14");
}

TEST_P(ConversationConformanceTest, GetLastMessagesReturnsNewestOldestFirstAsGiven) {
  const Json messages = Json::parse(R"([
    {"role": "user", "content": "one", "name": "alice"},
    {"role": "assistant", "content": "two", "tool_calls": [{"id": "x"}]},
    {"role": "user", "content": "three \u00e9"},
    {"role": "assistant", "content": "four"}
  ])");
  ASSERT_OK(store_->SaveMessages("scope", messages.dump()));
  auto last = store_->GetLastMessages("scope", 3);
  ASSERT_OK(last);
  EXPECT_EQ(Json::parse(*last), Json({messages[1], messages[2], messages[3]}));
  last = store_->GetLastMessages("scope", 1);
  ASSERT_OK(last);
  EXPECT_EQ(Json::parse(*last), Json({messages[3]}));
  last = store_->GetLastMessages("scope", 50);
  ASSERT_OK(last);
  EXPECT_EQ(Json::parse(*last), messages);
  ASSERT_OK(store_->SaveMessages("scope", "[]"));
  last = store_->GetLastMessages("scope", 50);
  ASSERT_OK(last);
  EXPECT_EQ(Json::parse(*last), messages) << "saving nothing changes nothing";

  EXPECT_ERROR_CODE(store_->GetLastMessages("scope", 0), ErrorCode::kInvalidArgument);
  EXPECT_ERROR_CODE(store_->GetLastMessages("", 5), ErrorCode::kInvalidArgument);
  EXPECT_ERROR_CODE(store_->SaveMessages("", messages.dump()), ErrorCode::kInvalidArgument);
  auto unknown = store_->GetLastMessages("unknown", 5);
  ASSERT_OK(unknown);
  EXPECT_EQ(*unknown, "[]");
}

TEST_P(ConversationConformanceTest, MessageScopesAreIsolated) {
  ASSERT_OK(store_->SaveMessages("user:alice", MakeMessages(8, "alice").dump()));
  ASSERT_OK(store_->SaveMessages("user:bob", MakeMessages(8, "bob").dump()));
  ASSERT_OK(store_->SaveMessages("user:alice", MakeMessages(3, "alice-more").dump()));
  auto bob = store_->GetLastMessages("user:bob", 100);
  ASSERT_OK(bob);
  EXPECT_EQ(Json::parse(*bob), MakeMessages(8, "bob")) << "alice's trim left bob alone";
  auto alice = store_->GetLastMessages("user:alice", 100);
  ASSERT_OK(alice);
  const Json alice_messages = Json::parse(*alice);
  ASSERT_EQ(alice_messages.size(), 10u);
  EXPECT_EQ(alice_messages.front()["content"], "alice1");
  EXPECT_EQ(alice_messages.back()["content"], "alice-more2");
}

TEST_P(ConversationConformanceTest, ResetClearsHistoryAndMessagesButNotConversations) {
  const std::string id = StoreOrFail("alice", MakeMessages(2));
  ASSERT_OK(store_->AddHistory(FullRecord("mem-1", "2024-01-01T00:00:00")));
  ASSERT_OK(store_->SaveMessages("scope", MakeMessages(3).dump()));
  ASSERT_OK(store_->Reset());

  auto history = store_->GetHistory("mem-1");
  ASSERT_OK(history);
  EXPECT_TRUE(history->empty());
  auto messages = store_->GetLastMessages("scope", 10);
  ASSERT_OK(messages);
  EXPECT_EQ(*messages, "[]");
  auto conversation = store_->GetConversation("alice", id);
  ASSERT_OK(conversation);
  ASSERT_TRUE(conversation->has_value());
  EXPECT_EQ(Json::parse((*conversation)->messages_json), MakeMessages(2));

  ASSERT_OK(store_->Reset());  // resetting an empty store is fine
  ASSERT_OK(store_->AddHistory(FullRecord("mem-1", "2024-01-02T00:00:00")));
  history = store_->GetHistory("mem-1");
  ASSERT_OK(history);
  EXPECT_EQ(history->size(), 1u) << "usable after reset";
}

// ---------------------------------------------------------------------------
// Export and import: ListKeys, PutConversation, ReplaceMessages.

TEST_P(ConversationConformanceTest, ListKeysNamesEveryUserMemoryAndScopeOnce) {
  auto empty = store_->ListKeys();
  ASSERT_OK(empty);
  EXPECT_TRUE(empty->user_ids.empty() && empty->history_memory_ids.empty() &&
              empty->message_scopes.empty());
  StoreOrFail("bob", MakeMessages(1));
  StoreOrFail("alice", MakeMessages(1));
  StoreOrFail("alice", MakeMessages(2));
  store::HistoryRecord record;
  record.memory_id = "m2";
  record.event = "ADD";
  record.created_at = "2026-01-01T00:00:00Z";
  ASSERT_OK(store_->AddHistory(record));
  record.memory_id = "m1";
  ASSERT_OK(store_->AddHistory(record));
  ASSERT_OK(store_->AddHistory(record));
  ASSERT_OK(store_->SaveMessages("s2", MakeMessages(1).dump()));
  ASSERT_OK(store_->SaveMessages("s1", MakeMessages(3).dump()));
  // A large conversation (overflow parts on DynamoDB) is one user, once.
  StoreOrFail("carol", Json::array({{{"role", "user"}, {"content", std::string(500000, 'x')}}}));
  auto keys = store_->ListKeys();
  ASSERT_OK(keys);
  EXPECT_EQ(keys->user_ids, (std::vector<std::string>{"alice", "bob", "carol"}));
  EXPECT_EQ(keys->history_memory_ids, (std::vector<std::string>{"m1", "m2"}));
  EXPECT_EQ(keys->message_scopes, (std::vector<std::string>{"s1", "s2"}));
}

TEST_P(ConversationConformanceTest, PutConversationKeepsIdsAndTimesAndIsAnUpsert) {
  store::Conversation conversation;
  conversation.user_id = "alice";
  conversation.conversation_id = "alice:1600000000:imported";
  conversation.messages_json = MakeMessages(2).dump();
  conversation.metadata_json = R"({"k":1})";
  conversation.timestamp = 1600000000;
  conversation.updated_at = 1600000100;
  ASSERT_OK(store_->PutConversation(conversation));
  ASSERT_OK(store_->PutConversation(conversation));  // again: no change
  auto listed = ListAll(*store_, "alice", 10);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].conversation_id, conversation.conversation_id);
  EXPECT_EQ(listed[0].timestamp, 1600000000);
  EXPECT_EQ(listed[0].updated_at, 1600000100);
  EXPECT_FALSE(listed[0].expiration_time.has_value());
  EXPECT_EQ(Json::parse(listed[0].messages_json), MakeMessages(2));

  // Replaces the stored one, expiration included, and large ones too.
  conversation.messages_json =
      Json::array({{{"role", "user"}, {"content", std::string(500000, 'y')}}}).dump();
  conversation.expiration_time = kStartSeconds + kDay;
  ASSERT_OK(store_->PutConversation(conversation));
  auto got = store_->GetConversation("alice", conversation.conversation_id);
  ASSERT_OK(got);
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->messages_json, conversation.messages_json);
  EXPECT_EQ((*got)->expiration_time, kStartSeconds + kDay);
  EXPECT_EQ((*got)->updated_at, 1600000100);
  // A TTL store does not restamp what an import gives.
  auto ttl_store = OpenStore(30);
  ASSERT_NE(ttl_store, nullptr);
  conversation.conversation_id = "alice:1600000001:imported";
  conversation.expiration_time.reset();
  conversation.messages_json = MakeMessages(1).dump();
  ASSERT_OK(ttl_store->PutConversation(conversation));
  got = ttl_store->GetConversation("alice", conversation.conversation_id);
  ASSERT_OK(got);
  ASSERT_TRUE(got->has_value());
  EXPECT_FALSE((*got)->expiration_time.has_value());

  conversation.user_id = "mem0#parts#x";
  EXPECT_ERROR_CODE(store_->PutConversation(conversation), ErrorCode::kInvalidArgument);
  conversation.user_id = "alice";
  conversation.messages_json = "{}";
  EXPECT_ERROR_CODE(store_->PutConversation(conversation), ErrorCode::kInvalidArgument);
}

TEST_P(ConversationConformanceTest, ReplaceMessagesMakesTheScopeExactlyThose) {
  ASSERT_OK(store_->SaveMessages("s", MakeMessages(7).dump()));
  const Json three = MakeMessages(3);
  ASSERT_OK(store_->ReplaceMessages("s", three.dump()));
  ASSERT_OK(store_->ReplaceMessages("s", three.dump()));
  auto last = store_->GetLastMessages("s", 10);
  ASSERT_OK(last);
  EXPECT_EQ(Json::parse(*last), three);
  ASSERT_OK(store_->ReplaceMessages("s", "[]"));
  EXPECT_EQ(Json::parse(*store_->GetLastMessages("s", 10)), Json::array());
  EXPECT_ERROR_CODE(store_->ReplaceMessages("s", MakeMessages(11).dump()),
                    ErrorCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Engines, ConversationConformanceTest,
                         ::testing::Values("sqlite", "dynamodb"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace mem0

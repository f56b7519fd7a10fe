// mem0-bench search: the memory layer's lexical index (TextIndex) build time
// and query latency at 1,000 and 10,000 synthetic memories of ~15 words.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "bench/bench.h"
#include "memory/text_index.h"

namespace mem0::bench {
namespace {

const std::vector<std::string> kNames = {
    "Caroline", "Melanie", "Jon",  "Gina", "John",   "Maria", "Joanna", "Nate",  "Tim",   "Audrey",
    "Andrew",   "Deborah", "Evan", "Sam",  "Calvin", "Dave",  "Jolene", "James", "Priya", "Omar"};
const std::vector<std::string> kVerbs = {"likes",  "went to",     "visited", "works at",
                                         "bought", "is planning", "loves",   "started",
                                         "hates",  "talked about"};

std::string Word(std::mt19937& rng) {
  // Zipf-ish vocabulary of 5,000 made-up words plus real ones.
  static const std::vector<std::string> kReal = {
      "hiking", "camping", "dog",    "cat",    "nurse",   "hospital", "Thai", "food",
      "guitar", "piano",   "trip",   "Japan",  "concert", "marathon", "kids", "school",
      "book",   "movie",   "coffee", "garden", "pottery", "painting", "yoga", "support group"};
  std::uniform_real_distribution<double> u(0, 1);
  const double x = u(rng);
  if (x < 0.3) return kReal[static_cast<std::size_t>(u(rng) * kReal.size())];
  const int rank = static_cast<int>(std::pow(5000.0, u(rng)));
  return std::string("w").append(std::to_string(rank));
}

}  // namespace

std::string SyntheticMemory(std::mt19937& rng) {
  // append(), not chains of +: GCC 12's -Wrestrict misfires on those in
  // Release builds.
  std::string s = kNames[rng() % kNames.size()];
  s.append(" ").append(kVerbs[rng() % kVerbs.size()]);
  for (int i = 0; i < 10; ++i) s.append(" ").append(Word(rng));
  s.append(" on ").append(std::to_string(1 + rng() % 28));
  s.append(" May 202").append(std::to_string(rng() % 5));
  return s;
}

std::string SyntheticQuery(std::mt19937& rng) {
  std::string q = "When did ";
  q.append(kNames[rng() % kNames.size()]).append(" go ").append(Word(rng)).append(" ");
  q.append(Word(rng)).append(" with the ").append(Word(rng)).append(" in May 2023?");
  return q;
}

namespace {

// Prints build and query figures for `docs` memories; false on an error.
bool Run(int docs, int queries_per_round) {
  std::mt19937 rng(42);
  memory::TextIndex index;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < docs; ++i) {
    if (auto added = index.Add(std::string("m").append(std::to_string(i)), SyntheticMemory(rng));
        !added.ok()) {
      Fail(added.error());
      return false;
    }
  }
  const auto t1 = std::chrono::steady_clock::now();
  std::vector<std::string> queries;
  for (int i = 0; i < queries_per_round; ++i) queries.push_back(SyntheticQuery(rng));
  std::vector<double> micros;
  for (int round = 0; round < 3; ++round) {
    for (const std::string& q : queries) {
      const auto a = std::chrono::steady_clock::now();
      (void)index.Search(q, 10);
      const auto b = std::chrono::steady_clock::now();
      micros.push_back(std::chrono::duration<double, std::micro>(b - a).count());
    }
  }
  std::sort(micros.begin(), micros.end());
  auto pct = [&](double p) { return micros[static_cast<size_t>(p * (micros.size() - 1))]; };
  const std::string n = std::to_string(docs);
  std::printf("search_index_build_us_per_doc_%s %.1f\n", n.c_str(),
              std::chrono::duration<double, std::micro>(t1 - t0).count() / docs);
  std::printf("search_p50_us_%s %.0f\n", n.c_str(), pct(0.5));
  std::printf("search_p99_us_%s %.0f\n", n.c_str(), pct(0.99));
  return true;
}

}  // namespace

int RunSearchBench() {
  for (int docs : {1000, 10000}) {
    if (!Run(docs, 1000)) return 1;
  }
  return 0;
}

}  // namespace mem0::bench

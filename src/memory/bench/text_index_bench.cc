// mem0_text_index_bench: TextIndex build time and query latency (p50/p99)
// at 1,000 and 10,000 synthetic memories of ~15 words. Prints figures only;
// not a test.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "memory/text_index.h"

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
  return "w" + std::to_string(rank);
}

std::string Memory(std::mt19937& rng) {
  std::string s = kNames[rng() % kNames.size()] + " " + kVerbs[rng() % kVerbs.size()];
  for (int i = 0; i < 10; ++i) s += " " + Word(rng);
  s += " on " + std::to_string(1 + rng() % 28) + " May 202" + std::to_string(rng() % 5);
  return s;
}

void Run(int docs) {
  std::mt19937 rng(42);
  mem0::memory::TextIndex index;
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < docs; ++i) {
    if (!index.Add("m" + std::to_string(i), Memory(rng)).ok()) std::abort();
  }
  auto t1 = std::chrono::steady_clock::now();
  std::vector<std::string> queries;
  for (int i = 0; i < 1000; ++i) {
    queries.push_back("When did " + kNames[rng() % kNames.size()] + " go " + Word(rng) + " " +
                      Word(rng) + " with the " + Word(rng) + " in May 2023?");
  }
  std::vector<double> micros;
  std::size_t hits = 0;
  for (int round = 0; round < 3; ++round) {
    for (const std::string& q : queries) {
      auto a = std::chrono::steady_clock::now();
      hits += index.Search(q, 10).size();
      auto b = std::chrono::steady_clock::now();
      micros.push_back(std::chrono::duration<double, std::micro>(b - a).count());
    }
  }
  std::sort(micros.begin(), micros.end());
  auto pct = [&](double p) { return micros[static_cast<std::size_t>(p * (micros.size() - 1))]; };
  std::printf(
      "docs %d: build %.1f ms (%.1f us/doc); query p50 %.0f us, p90 %.0f us, p99 %.0f us, "
      "max %.0f us (%zu queries, %.1f hits avg)\n",
      docs, std::chrono::duration<double, std::milli>(t1 - t0).count(),
      std::chrono::duration<double, std::micro>(t1 - t0).count() / docs, pct(0.5), pct(0.9),
      pct(0.99), micros.back(), micros.size(), static_cast<double>(hits) / micros.size());
}

}  // namespace

int main() {
  Run(1000);
  Run(10000);
  return 0;
}

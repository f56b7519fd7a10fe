// gtest assertions on mem0::Result / Status: ASSERT_OK and EXPECT_OK print
// the error; EXPECT_ERROR_CODE compares code names, so failures read
// "kNotFound vs kInvalidArgument".
#ifndef MEM0_TESTS_SUPPORT_RESULT_ASSERTIONS_H_
#define MEM0_TESTS_SUPPORT_RESULT_ASSERTIONS_H_

#include <gtest/gtest.h>

#include "mem0/core/result.h"

#define ASSERT_OK(expr)                                                          \
  do {                                                                           \
    const auto& status_or_result_ = (expr);                                      \
    ASSERT_TRUE(status_or_result_.ok()) << status_or_result_.error().ToString(); \
  } while (0)

#define EXPECT_OK(expr)                                                          \
  do {                                                                           \
    const auto& status_or_result_ = (expr);                                      \
    EXPECT_TRUE(status_or_result_.ok()) << status_or_result_.error().ToString(); \
  } while (0)

#define EXPECT_ERROR_CODE(expr, expected_code)                                                  \
  do {                                                                                          \
    const auto& status_or_result_ = (expr);                                                     \
    EXPECT_FALSE(status_or_result_.ok()) << "expected " << ErrorCodeName(expected_code);        \
    if (!status_or_result_.ok()) {                                                              \
      EXPECT_STREQ(ErrorCodeName(status_or_result_.error().code), ErrorCodeName(expected_code)) \
          << status_or_result_.error().ToString();                                              \
    }                                                                                           \
  } while (0)

#endif  // MEM0_TESTS_SUPPORT_RESULT_ASSERTIONS_H_

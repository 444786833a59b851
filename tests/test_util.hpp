// Helpers shared by the tests.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "rirf/error.hpp"

namespace rirf::test {

// A path in the temp folder, unique to this process and `tag`.
inline std::string temp_path(const std::string& tag, const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("rirf_" + tag + "_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

// Runs `action`, expecting an rirf::Error whose message contains `expected`.
template <class Action>
void expect_error_containing(Action&& action, const std::string& expected) {
  try {
    action();
    ADD_FAILURE() << "no error; expected: " << expected;
  } catch (const rirf::Error& e) {
    EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
  }
}

}  // namespace rirf::test

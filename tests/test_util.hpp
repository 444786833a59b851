// Helpers shared by the tests.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "rirf/error.hpp"

namespace rirf::test {

// This test process's own folder in the system's temporary folder, removed with everything in
// it when the process exits, so a test run leaves nothing behind however a test ends.
class ProcessTempFolder {
 public:
  ProcessTempFolder()
      : path_(std::filesystem::temp_directory_path() / ("rirf_test_" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(path_);
  }
  ~ProcessTempFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline const std::filesystem::path& process_temp_folder() {
  static const ProcessTempFolder folder;
  return folder.path();
}

// A path in the process's temporary folder, unique to `tag` and `name`.
inline std::string temp_path(const std::string& tag, const std::string& name) {
  return (process_temp_folder() / (tag + "_" + name)).string();
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

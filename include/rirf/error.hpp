// Errors a user can act on. Every failure that reaches the CLI is an rirf::Error whose
// message names the file, field or value at fault; the CLI prints it on one line.
#pragma once

#include <stdexcept>
#include <string>

namespace rirf {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws Error(message) when `ok` is false. For user input, never `assert`.
inline void check(bool ok, const std::string& message) {
  if (!ok) throw Error(message);
}

}  // namespace rirf

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

// A bad value in an options struct. The library names the field ("tile: must be in [64, 8192],
// got 10"); a front end that spells the field otherwise (the CLI's --tile, a query parameter)
// rewrites the name from field() and problem().
class OptionError : public Error {
 public:
  OptionError(const std::string& field, const std::string& problem)
      : Error(field + ": " + problem), field_(field), problem_(problem) {}
  const std::string& field() const { return field_; }
  const std::string& problem() const { return problem_; }

 private:
  std::string field_, problem_;
};

// Throws Error(message) when `ok` is false. For user input, never `assert`.
inline void check(bool ok, const std::string& message) {
  if (!ok) throw Error(message);
}

// Throws OptionError(field, problem) when `ok` is false.
inline void check_option(bool ok, const std::string& field, const std::string& problem) {
  if (!ok) throw OptionError(field, problem);
}

}  // namespace rirf

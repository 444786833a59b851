// Internal to the vocabulary: reads typed fields from one JSON object and names the full path of
// anything wrong ("plan.steps[1].factors.sigma: must be a number").
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <set>
#include <string>

#include "rirf/error.hpp"

namespace rirf {

class FieldReader {
 public:
  FieldReader(const nlohmann::json& object, std::string path) : object_(object), path_(std::move(path)) {
    check(object_.is_object(), path_ + ": must be an object");
  }
  bool has(const char* key) const { return object_.contains(key); }
  double number(const char* key, double fallback) {
    seen_.insert(key);
    if (!object_.contains(key)) return fallback;
    const nlohmann::json& v = object_.at(key);
    check(v.is_number(), path_ + "." + key + ": must be a number");
    return v.get<double>();
  }
  double required_number(const char* key) {
    check(object_.contains(key), path_ + "." + key + ": missing");
    return number(key, 0);
  }
  bool boolean(const char* key, bool fallback) {
    seen_.insert(key);
    if (!object_.contains(key)) return fallback;
    check(object_.at(key).is_boolean(), path_ + "." + key + ": must be true or false");
    return object_.at(key).get<bool>();
  }
  std::string string(const char* key, const std::string& fallback) {
    seen_.insert(key);
    if (!object_.contains(key)) return fallback;
    check(object_.at(key).is_string(), path_ + "." + key + ": must be a string");
    return object_.at(key).get<std::string>();
  }
  std::array<double, 3> triple(const char* key, const std::array<double, 3>& fallback) {
    seen_.insert(key);
    if (!object_.contains(key)) return fallback;
    const nlohmann::json& v = object_.at(key);
    check(v.is_array() && v.size() == 3 &&
              std::all_of(v.begin(), v.end(), [](const nlohmann::json& e) { return e.is_number(); }),
          path_ + "." + key + ": must be an array of 3 numbers");
    return {v[0].get<double>(), v[1].get<double>(), v[2].get<double>()};
  }
  const nlohmann::json* raw(const char* key) {
    seen_.insert(key);
    return object_.contains(key) ? &object_.at(key) : nullptr;
  }
  void ignore(const char* key) { seen_.insert(key); }
  // Typos must not pass silently.
  void reject_unknown() const {
    for (const auto& item : object_.items())
      check(seen_.count(item.key()) > 0, path_ + "." + item.key() + ": unknown field");
  }
  const std::string& path() const { return path_; }

 private:
  const nlohmann::json& object_;
  std::string path_;
  std::set<std::string> seen_;
};

}  // namespace rirf

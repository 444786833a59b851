// Helpers shared by the subcommands that read images or shipped models.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "commands.hpp"
#include "rirf/error.hpp"
#include "rirf/image_io.hpp"

namespace rirf::cli {
namespace fs = std::filesystem;

std::string flag_for_field(const std::string& field, const std::map<std::string, std::string>& flags) {
  if (const auto named = flags.find(field); named != flags.end()) return named->second;
  std::string flag = "--" + field;
  std::replace(flag.begin(), flag.end(), '_', '-');
  return flag;
}

void with_flag_names(const std::map<std::string, std::string>& flags, const std::function<void()>& work) {
  try {
    work();
  } catch (const OptionError& e) {
    throw Error(flag_for_field(e.field(), flags) + ": " + e.problem());
  }
}

namespace {
// One spelling per file: symlinks and ".." resolved as far as the path exists.
fs::path identity(const std::string& path) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(path, ec);
  if (ec) return fs::path(path);
  const fs::path resolved = fs::weakly_canonical(absolute, ec);
  return ec ? absolute.lexically_normal() : resolved;
}
}  // namespace

std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs) {
  std::vector<std::string> files;
  std::set<fs::path> seen;  // a file named twice (itself and in its folder) is done once
  const auto add = [&](const std::string& file) {
    if (seen.insert(identity(file)).second) files.push_back(file);
  };
  for (const auto& input : inputs) {
    std::error_code ec;
    if (fs::is_directory(input, ec)) {
      const auto listed = list_image_files(input);
      check(!listed.empty(), "no PNG, JPEG, WebP or TIFF images in '" + input + "'");
      for (const auto& file : listed) add(file);
    } else {
      add(input);
    }
  }
  return files;
}

bool same_path(const std::string& a, const std::string& b) { return identity(a) == identity(b); }

void check_outputs(const std::vector<std::string>& inputs, const std::vector<OutputPath>& outputs) {
  // Maps, not pairwise loops: a batch can have tens of thousands of files.
  std::map<fs::path, const std::string*> input_of;
  for (const auto& input : inputs) input_of.emplace(identity(input), &input);
  std::map<fs::path, const OutputPath*> output_of;
  for (const auto& output : outputs) {
    const auto& [flag, path, folder_made_here] = output;
    const fs::path id = identity(path);
    if (const auto input = input_of.find(id); input != input_of.end())
      throw Error(flag + ": '" + path + "' is the input '" + *input->second + "'; it would be overwritten");
    if (const auto [other, added] = output_of.emplace(id, &output); !added)
      throw Error(flag + ": '" + path + "' is also the output of " + other->second->flag + " ('" + other->second->path +
                  "'); one would overwrite the other");
    std::error_code ec;
    const fs::path folder = fs::absolute(path, ec).parent_path();
    check(folder_made_here || fs::is_directory(folder, ec), flag + ": the folder of '" + path + "' does not exist");
    check(!fs::is_directory(path, ec), flag + ": '" + path + "' is a folder");
  }
}

std::size_t run_batch(const std::vector<std::string>& files, const std::function<void(std::size_t)>& work) {
  if (files.size() == 1) {
    work(0);
    return 0;
  }
  std::size_t failed = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    try {
      work(i);
    } catch (const std::exception& e) {  // libtorch's errors too (out of memory on one huge image)
      const std::string message = e.what();
      const bool names_file = message.find(files[i]) != std::string::npos;
      std::fprintf(stderr, "rirf: %s: %s%s\n", dynamic_cast<const Error*>(&e) ? "error" : "internal error",
                   names_file ? "" : (files[i] + ": ").c_str(), message.substr(0, message.find('\n')).c_str());
      std::fflush(stderr);
      ++failed;
    }
  }
  return failed;
}

void finish_batch(std::size_t failed, std::size_t total, const std::string& what_was_written) {
  check(failed == 0, std::to_string(failed) + " of " + std::to_string(total) + " images failed (each is named above)" +
                         (failed < total ? "; " + what_was_written : ""));
}

}  // namespace rirf::cli

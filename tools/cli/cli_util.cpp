// Helpers shared by the subcommands that read images or shipped models.
#include <cstdlib>
#include <filesystem>

#include "commands.hpp"
#include "rirf/error.hpp"
#include "rirf/image_io.hpp"

namespace rirf::cli {
namespace fs = std::filesystem;

std::string shipped_model(const std::string& file_name, const std::string& hint) {
  std::vector<fs::path> candidates;
  if (const char* dir = std::getenv("RIRF_MODELS_DIR")) candidates.emplace_back(fs::path(dir) / file_name);
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    candidates.push_back(exe.parent_path().parent_path() / "models" / file_name);
    candidates.push_back(exe.parent_path().parent_path() / "share" / "rirf" / "models" / file_name);
  }
  std::string looked;
  for (const auto& c : candidates) {
    if (fs::is_regular_file(c, ec)) return c.string();
    looked += (looked.empty() ? "" : ", ") + c.string();
  }
  throw Error("no shipped " + file_name + " found (looked in " + looked + "); " + hint);
}

std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs) {
  std::vector<std::string> files;
  for (const auto& input : inputs) {
    std::error_code ec;
    if (fs::is_directory(input, ec)) {
      const auto listed = list_image_files(input);
      check(!listed.empty(), "no PNG, JPEG, WebP or TIFF images in '" + input + "'");
      files.insert(files.end(), listed.begin(), listed.end());
    } else {
      files.push_back(input);
    }
  }
  return files;
}

}  // namespace rirf::cli

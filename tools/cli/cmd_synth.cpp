// rirf synth --clean DIR --out DIR (--suite NAME | --count N) [--seed S]
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <memory>

#include "commands.hpp"
#include "log.hpp"
#include "rirf/degrade.hpp"
#include "rirf/error.hpp"
#include "rirf/file_io.hpp"
#include "rirf/image_io.hpp"
#include "rirf/suites.hpp"

namespace rirf::cli {
namespace {
namespace fs = std::filesystem;

struct SynthArgs {
  std::string clean_dir, out_dir, suite;
  std::int64_t count = 0;
  std::uint64_t seed = 1;
  std::int64_t max_pixels = 0;  // set by add_max_pixels_option
  bool list = false;
};

void list_suites() {
  for (const auto& s : synth_suites()) std::cout << s.name << "\t" << s.description << "\n";
}

void run(const SynthArgs& args) {
  if (args.list) return list_suites();
  check(!args.clean_dir.empty() && !args.out_dir.empty(), "give --clean DIR and --out DIR");
  check(args.suite.empty() != (args.count == 0), "give exactly one of --suite NAME or --count N");
  if (!args.suite.empty()) suite_plan(args.suite, 0);  // unknown names fail before any work
  const auto sources = list_image_files(args.clean_dir);
  check(!sources.empty(), "no PNG, JPEG, WebP or TIFF images in '" + args.clean_dir + "'");
  LoadOptions load;
  load.max_pixels = args.max_pixels;
  for (const auto& source : sources) probe_image(source, load);  // a bad image stops the run before any output
  SaveOptions save;
  save.bits = 8;  // the published protocols work on 8-bit images
  save.strip_metadata = true;

  const std::string degraded_dir = (fs::path(args.out_dir) / "degraded").string();
  const std::string clean_dir = (fs::path(args.out_dir) / "clean").string();
  for (const auto& dir : {degraded_dir, clean_dir})
    check(!same_path(dir, args.clean_dir), "--out: '" + dir + "' is the --clean folder; its images would be overwritten");
  if (!args.suite.empty()) {  // one pair per image, named after it: a.jpg and a.png would share a.png
    std::map<std::string, std::string> source_of;
    for (const auto& source : sources) {
      const auto [seen, added] = source_of.emplace(fs::path(source).stem().string(), source);
      check(added, "--suite: '" + seen->second + "' and '" + source + "' would both be written as " +
                       seen->first + ".png; rename one");
    }
  }
  // Folders made here and files written, removed again if anything fails: no partial set is left.
  std::vector<std::string> made, written;
  std::error_code ec;
  for (fs::path dir = fs::absolute(degraded_dir); !fs::exists(dir, ec); dir = dir.parent_path()) made.push_back(dir.string());
  if (!fs::exists(clean_dir, ec)) made.insert(made.begin(), clean_dir);
  try {
    ensure_directory(degraded_dir);
    ensure_directory(clean_dir);
    std::string manifest;
    const std::int64_t total = args.suite.empty() ? args.count : static_cast<std::int64_t>(sources.size());
    for (std::int64_t k = 0; k < total; ++k) {
      const std::string& source = sources[static_cast<std::size_t>(k) % sources.size()];
      DegradationPlan plan;
      if (!args.suite.empty()) {
        plan = suite_plan(args.suite, static_cast<std::uint64_t>(k));
      } else {
        Rng rng(derive_seed(args.seed, static_cast<std::uint64_t>(k)));
        plan = sample_plan(SampleOptions{}, rng);
      }
      const std::string stem = fs::path(source).stem().string();
      const std::string name = args.suite.empty() ? stem + "_" + std::to_string(k) + ".png" : stem + ".png";
      Image clean = load_image(source, load);
      clean.alpha = at::Tensor();  // pairs are RGB
      Image degraded = clean;
      degraded.rgb = apply(clean.rgb, plan);
      for (const auto& [image, dir] : {std::pair{&degraded, degraded_dir}, std::pair{&clean, clean_dir}}) {
        const std::string path = (fs::path(dir) / name).string();
        save_image(*image, path, save);
        written.push_back(path);
      }
      nlohmann::json line = {{"index", k},
                             {"degraded", "degraded/" + name},
                             {"clean", "clean/" + name},
                             {"source", source},
                             {"suite", args.suite},
                             {"plan", plan_to_json(plan)}};
      manifest += line.dump() + "\n";
      log_line("[" + std::to_string(k + 1) + "/" + std::to_string(total) + "] " + name);
    }
    write_file_atomic((fs::path(args.out_dir) / "manifest.jsonl").string(), manifest);
  } catch (...) {
    for (const auto& path : written) fs::remove(path, ec);
    for (const auto& dir : made) fs::remove(dir, ec);  // innermost first; only while empty
    throw;
  }
}

}  // namespace

void register_synth(CLI::App& app) {
  auto args = std::make_shared<SynthArgs>();
  CLI::App* cmd = app.add_subcommand("synth", "Make degraded/clean pairs and a JSONL manifest of their plans");
  cmd->add_option("--clean", args->clean_dir, "folder of clean images");
  cmd->add_option("--out", args->out_dir, "output folder (gets degraded/, clean/, manifest.jsonl)");
  cmd->add_option("--suite", args->suite, "a fixed-seed suite: one pair per clean image (see --list-suites)");
  cmd->add_option("--count", args->count, "number of random composite pairs, cycling over the clean images")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{10'000'000}));
  cmd->add_option("--seed", args->seed, "seed for --count (default 1)");
  add_max_pixels_option(*cmd, args->max_pixels);
  cmd->add_flag("--list-suites", args->list, "print the suite names and what they contain");
  cmd->callback([args] { run(*args); });
}

}  // namespace rirf::cli

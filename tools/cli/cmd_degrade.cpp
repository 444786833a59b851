// rirf degrade IN OUT (--type T [--severity S] [--seed N] | --plan plan.json)
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>

#include "commands.hpp"
#include "rirf/degrade.hpp"
#include "rirf/diagnosis.hpp"
#include "rirf/error.hpp"
#include "rirf/file_io.hpp"
#include "rirf/image_io.hpp"
#include "rirf/reasoner.hpp"

namespace rirf::cli {
namespace {

struct DegradeArgs {
  std::string input, output, plan_in, plan_out;
  std::vector<std::string> types;
  double severity = 50.0;
  std::uint64_t seed = 1;
  int quality = 95;
  int bits = 0;
  bool strip = false;
  std::int64_t max_pixels = 0;  // set by add_max_pixels_option
};

std::string default_plan_path(const std::string& output) {
  std::filesystem::path p(output);
  return (p.parent_path() / (p.stem().string() + ".plan.json")).string();
}

void run(const DegradeArgs& args) {
  check(image_format_from_path(args.output) != "",
        "cannot write '" + args.output + "': unsupported extension (use .png, .jpg, .webp or .tif)");
  check(!args.types.empty() || !args.plan_in.empty(), "give --type (with --severity) or --plan");
  SaveOptions save;
  save.quality = args.quality;
  save.bits = args.bits;
  save.strip_metadata = args.strip;
  save.validate();
  LoadOptions load;
  load.max_pixels = args.max_pixels;

  DegradationPlan plan;
  if (!args.plan_in.empty()) {
    nlohmann::json document;
    try {
      document = nlohmann::json::parse(read_file_text(args.plan_in));
    } catch (const nlohmann::json::exception& e) {  // also a number too large for a double
      throw Error("cannot read plan '" + args.plan_in + "': not valid JSON (" + e.what() + ")");
    }
    plan = plan_from_json(document);
  } else {
    Rng rng(args.seed);
    for (const auto& name : args.types) plan.steps.push_back(make_step(type_from_name(name), args.severity, rng));
    sort_physically(plan);
    plan.validate();
  }

  const std::string plan_path = args.plan_out.empty() ? default_plan_path(args.output) : args.plan_out;
  // Re-applying a run's own plan (degrade IN OUT --plan OUT_STEM.plan.json) rewrites that plan
  // with the same steps, so the plan read may also be the plan written.
  check_outputs({args.input}, {{"OUTPUT", args.output}, {args.plan_out.empty() ? "the plan (OUTPUT_STEM.plan.json)" : "--plan-out", plan_path}});
  if (!args.plan_in.empty()) check_outputs({args.plan_in}, {{"OUTPUT", args.output}});
  Image image = load_image(args.input, load);
  image.rgb = apply(image.rgb, plan);
  nlohmann::json plan_json = plan_to_json(plan);
  plan_json["diagnosis"] = diagnosis_to_json(diagnosis_from_plan(plan, image.rgb));

  save_image(image, args.output, save);
  try {
    write_file_atomic(plan_path, plan_json.dump(2) + "\n");
  } catch (...) {
    std::filesystem::remove(args.output);  // no half-finished result: image and plan go together
    throw;
  }
}

}  // namespace

void register_degrade(CLI::App& app) {
  auto args = std::make_shared<DegradeArgs>();
  CLI::App* cmd = app.add_subcommand("degrade", "Apply degradations to an image and write the plan (ground truth)");
  cmd->add_option("input", args->input, "input image (PNG, JPEG, WebP, TIFF)")->required();
  cmd->add_option("output", args->output, "output image; the format follows the extension")->required();
  auto* type = cmd->add_option("--type", args->types, "degradation type(s): noise, blur, rain, haze, low_light, jpeg")
                   ->delimiter(',');
  cmd->add_option("--severity", args->severity, "severity 0-100 for every --type (default 50)")
      ->check(CLI::Range(0.0, 100.0));
  cmd->add_option("--seed", args->seed, "seed for the random factors and noise (default 1)");
  cmd->add_option("--plan", args->plan_in, "apply this plan JSON instead (as written by a previous run)")->excludes(type);
  cmd->add_option("--plan-out", args->plan_out, "where to write the plan JSON (default: OUTPUT_STEM.plan.json)");
  cmd->add_option("--quality", args->quality, "JPEG/WebP output quality 1-100 (default 95)")->check(CLI::Range(1, 100));
  cmd->add_option("--bits", args->bits, "PNG/TIFF output depth 8 or 16 (default: as the input)")
      ->check(CLI::IsMember({8, 16}));
  cmd->add_flag("--strip", args->strip, "drop EXIF, ICC and XMP metadata from the output");
  add_max_pixels_option(*cmd, args->max_pixels);
  cmd->callback([args] { run(*args); });
}

}  // namespace rirf::cli

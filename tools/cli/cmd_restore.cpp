// rirf restore INPUT... -o OUT [--diagnosis-out FILE] [--backend diagnet|classical] [--reasoner FILE]
//              [--weights FILE] [--expert TYPE=FILE]... [--tile N] [--overlap N] [--strength S] [--only TYPE,...] [--sheet FILE]
// Binds the flags to the pipeline's options, decides where each result goes, and runs the
// pipeline (include/rirf/pipeline.hpp) on each input.
#include <ATen/ATen.h>
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <vector>

#include "commands.hpp"
#include "rirf/error.hpp"
#include "rirf/file_io.hpp"
#include "rirf/image_io.hpp"
#include "rirf/contact_sheet.hpp"
#include "rirf/pipeline.hpp"

namespace rirf::cli {
namespace {
namespace fs = std::filesystem;

struct RestoreArgs {
  std::vector<std::string> inputs, only;
  std::string output, diagnosis_out, sheet, backend = "diagnet", reasoner_weights, weights;
  std::vector<std::string> experts;  // TYPE=FILE
  RestoreOptions options;
  std::int64_t max_pixels = 0;  // set by add_max_pixels_option
};

// Where each input's result goes: OUT itself for one file input, else OUT/<name>.png.
std::vector<std::string> output_paths(const std::vector<std::string>& files, const std::string& out, bool folder) {
  std::vector<std::string> paths;
  std::map<std::string, std::string> first_input_of;  // output path -> the input restored to it
  for (const auto& file : files) {
    if (!folder) {
      check(!image_format_from_path(out).empty(),
            "-o: '" + out + "' has no image extension (.png, .jpg, .webp, .tif); for several inputs give a folder");
      paths.push_back(out);
    } else {
      paths.push_back((fs::path(out) / fs::path(file).stem()).string() + ".png");
      const auto [seen, added] = first_input_of.emplace(paths.back(), file);
      check(added, "-o: '" + seen->second + "' and '" + file + "' would both be restored to '" + paths.back() +
                       "'; restore them into different folders");
    }
  }
  return paths;
}

void run(const RestoreArgs& a) {
  PipelineOptions models;
  models.backend = backend_from_name(a.backend);
  models.reasoner_weights = a.reasoner_weights;
  models.restorer_weights = a.weights;
  for (const auto& item : a.experts) {
    const auto eq = item.find('=');
    check(eq != std::string::npos && eq + 1 < item.size(), "--expert: must be TYPE=FILE, got '" + item + "'");
    const DegradationType type = type_from_name(item.substr(0, eq));
    check(models.expert_weights.emplace(type, item.substr(eq + 1)).second,
          std::string("--expert: ") + type_name(type) + " given twice");
  }
  models.validate();
  RunOptions run_options;
  run_options.restore = a.options;
  for (const auto& name : a.only) run_options.restore.only.push_back(type_from_name(name));
  run_options.restore.validate();
  LoadOptions load;
  load.max_pixels = a.max_pixels;
  const auto files = expand_inputs(a.inputs);
  for (const auto& file : files) probe_image(file, load);  // a bad input stops the run before any work
  std::error_code ec;
  const bool folder = files.size() > 1 || fs::is_directory(a.inputs.front(), ec) || fs::is_directory(a.output, ec);
  const auto outputs = output_paths(files, a.output, folder);
  check(a.sheet.empty() || !image_format_from_path(a.sheet).empty(),
        "--sheet: '" + a.sheet + "' has no image extension (.png, .jpg, .webp, .tif)");
  // In folder mode a missing -o is made before anything is written, so a report or sheet may go
  // inside it; it is removed again if nothing was written into it.
  const bool makes_folder = folder && !fs::exists(a.output, ec);
  const auto in_new_folder = [&](const std::string& path) {
    const auto folder_of = [](const fs::path& p) { return (fs::absolute(p) / "x").lexically_normal().parent_path(); };
    return makes_folder && folder_of(fs::absolute(path).parent_path()) == folder_of(a.output);
  };
  std::vector<OutputPath> targets;
  for (const auto& output : outputs) targets.push_back({"-o", output, folder});
  if (!a.sheet.empty()) targets.push_back({"--sheet", a.sheet, in_new_folder(a.sheet)});
  if (!a.diagnosis_out.empty()) targets.push_back({"--diagnosis-out", a.diagnosis_out, in_new_folder(a.diagnosis_out)});
  check_outputs(files, targets);
  Pipeline pipeline(models);
  pipeline.check(run_options);  // e.g. --only with the blind twin, before any image is read
  if (folder) ensure_directory(a.output);
  const bool terminal = isatty(STDERR_FILENO);
  std::string report;
  std::vector<at::Tensor> sheet_rows;
  const auto restore_one = [&](std::size_t i) {
    Image image = load_image(files[i], load);
    RunControl control;
    if (terminal)
      control.progress = [&](Stage stage, double fraction) {
        std::fprintf(stderr, "\r%s: %-8s %3.0f%%", files[i].c_str(), stage_name(stage), 100 * fraction);
        if (stage == Stage::done) std::fprintf(stderr, "\r\033[K");
      };
    const PipelineResult result = pipeline.run(image.rgb, run_options, control);
    const at::Tensor input = image.rgb;
    image.rgb = result.restored;
    save_image(image, outputs[i]);
    if (!a.sheet.empty()) sheet_rows.push_back(before_after_row(input, image.rgb));
    std::printf("%s -> %s (%.2f s): %s\n", files[i].c_str(), outputs[i].c_str(), result.timings.total_s,
                before_after_summary(result.diagnosis, result.residual).c_str());
    std::fflush(stdout);
    if (!a.diagnosis_out.empty())
      report += nlohmann::json({{"file", files[i]}, {"output", outputs[i]}, {"before", diagnosis_to_json(result.diagnosis)},
                                {"after", diagnosis_to_json(result.residual)}})
                    .dump() +
                "\n";
  };
  std::size_t failed = 0;
  try {
    failed = run_batch(files, restore_one);
  } catch (...) {
    if (makes_folder) fs::remove(a.output, ec);  // only while empty
    throw;
  }
  // The report and the sheet cover the images that were written.
  if (failed < files.size()) {
    if (!a.diagnosis_out.empty()) write_file_atomic(a.diagnosis_out, report);
    if (!a.sheet.empty()) {
      save_image(image_from_tensor(stack_sheet_rows(sheet_rows)), a.sheet);
      std::printf("before | after sheet: %s\n", a.sheet.c_str());
    }
  }
  if (makes_folder && failed == files.size()) fs::remove(a.output, ec);  // nothing was written into it
  finish_batch(failed, files.size(), "the others were restored");
}

}  // namespace

void register_restore(CLI::App& app) {
  auto a = std::make_shared<RestoreArgs>();
  CLI::App* cmd = app.add_subcommand("restore", "Diagnose images, restore them, and report what was fixed and what is left");
  cmd->add_option("inputs", a->inputs, "image files and/or folders")->required();
  cmd->add_option("-o,--out", a->output, "output image (one input) or folder (several inputs; PNG files)")->required();
  cmd->add_option("--diagnosis-out", a->diagnosis_out, "write the diagnoses before and after, one JSON line per image");
  cmd->add_option("--backend", a->backend, "reasoner: diagnet (trained, default) or classical");
  cmd->add_option("--reasoner", a->reasoner_weights, "DiagNet weights (default: the shipped models/reasoner.safetensors)");
  cmd->add_option("--weights", a->weights, "restorer weights (default: the shipped models/restorer.safetensors)");
  cmd->add_option("--expert", a->experts,
                  "TYPE=FILE: undo TYPE with this expert network, the types one at a time in reverse physical order "
                  "(the restorer above undoes the types without one); repeatable");
  cmd->add_option("--tile", a->options.tile, "tile side in px; memory grows with its square (default 512)");
  cmd->add_option("--overlap", a->options.overlap, "px shared by neighbouring tiles (default 64)");
  cmd->add_option("--strength", a->options.strength, "0 keeps the input, 1 is the full restoration (default 1)");
  cmd->add_option("--only", a->only, "undo only these types (e.g. --only noise,jpeg); the others are kept")
      ->delimiter(',');
  cmd->add_option("--deconvolve", a->options.deconvolve,
                  "sharpen a diagnosed blur by deconvolution after the network (default 1; 0: the network alone)");
  cmd->add_option("--ensemble", a->options.ensemble,
                  "restore each tile 1, 2 or 4 times, mirrored and flipped, and average (default 1; "
                  "4: about +0.2 dB at 4x the time; haze caps it at 2)");
  cmd->add_option("--sheet", a->sheet, "also write a before | after contact sheet of every image here");
  add_max_pixels_option(*cmd, a->max_pixels);
  cmd->callback([a] {
    with_flag_names({{"reasoner_weights", "--reasoner"}, {"restorer_weights", "--weights"}, {"expert_weights", "--expert"}}, [&] { run(*a); });
  });
}

}  // namespace rirf::cli

// rirf restore INPUT... -o OUT [--diagnosis-out FILE] [--backend diagnet|classical] [--reasoner FILE]
//              [--weights FILE] [--tile N] [--overlap N] [--strength S] [--only TYPE,...] [--sheet FILE]
#include <ATen/ATen.h>
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

#include "commands.hpp"
#include "rirf/diagnet.hpp"
#include "rirf/error.hpp"
#include "rirf/file_io.hpp"
#include "rirf/image_io.hpp"
#include "rirf/restorer.hpp"

namespace rirf::cli {
namespace {
namespace fs = std::filesystem;

struct RestoreArgs {
  std::vector<std::string> inputs, only;
  std::string output, diagnosis_out, sheet, backend = "diagnet", reasoner_weights, weights;
  RestoreOptions options;
  std::int64_t max_pixels = 0;  // set by add_max_pixels_option
};

// "noise severe 62 -> none; haze moderate 40 -> mild 12"
std::string before_after(const Diagnosis& before, const Diagnosis& after) {
  std::string text;
  for (auto type : all_degradation_types()) {
    const Finding &b = before.finding(type), &a = after.finding(type);
    if (!b.present && !a.present) continue;
    char part[160];
    std::snprintf(part, sizeof part, "%s%s %s %.0f -> %s %.0f", text.empty() ? "" : "; ", type_name(type),
                  level_name(b.level()), b.severity, level_name(a.level()), a.severity);
    text += part;
  }
  return text.empty() ? "clean before and after" : text;
}

// The image scaled to `height` px tall (area average when shrinking).
at::Tensor thumbnail(const at::Tensor& image, std::int64_t height) {
  const std::int64_t width = std::max<std::int64_t>(1, image.size(3) * height / image.size(2));
  return image.size(2) > height ? at::adaptive_avg_pool2d(image, {height, width})
                                : at::upsample_bilinear2d(image, {height, width}, false);
}

constexpr std::int64_t kSheetHeight = 256, kSheetGap = 8;  // px

// One sheet row: before | after, kSheetHeight tall, a white gap between.
at::Tensor sheet_row(const at::Tensor& before, const at::Tensor& after) {
  return at::cat({thumbnail(before, kSheetHeight), at::ones({1, 3, kSheetHeight, kSheetGap}),
                  thumbnail(after, kSheetHeight)},
                 3);
}

// The rows stacked on white, each padded to the widest.
at::Tensor before_after_sheet(const std::vector<at::Tensor>& rows) {
  std::int64_t width = 0;
  for (const auto& row : rows) width = std::max(width, row.size(3));
  std::vector<at::Tensor> padded;
  for (const auto& row : rows) padded.push_back(at::constant_pad_nd(row, {0, width - row.size(3), 0, kSheetGap}, 1.0));
  return at::cat(padded, 2).contiguous();
}

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
  check(a.backend == "diagnet" || a.backend == "classical",
        "--backend: unknown backend '" + a.backend + "' (valid: diagnet, classical)");
  check(a.backend == "diagnet" || a.reasoner_weights.empty(), "--reasoner applies to --backend diagnet only");
  RestoreOptions options = a.options;
  for (const auto& name : a.only) options.only.push_back(type_from_name(name));
  options.validate();
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
  const std::unique_ptr<Reasoner> reasoner =
      a.backend == "classical"
          ? make_classical_reasoner()
          : load_diagnet_reasoner(!a.reasoner_weights.empty()
                                      ? a.reasoner_weights
                                      : shipped_model("reasoner.safetensors", "give --reasoner FILE or --backend classical"));
  const std::unique_ptr<Restorer> restorer =
      load_restorer(!a.weights.empty() ? a.weights : shipped_model("restorer.safetensors", "give --weights FILE"));
  if (folder) ensure_directory(a.output);
  const bool terminal = isatty(STDERR_FILENO);
  std::string report;
  std::vector<at::Tensor> sheet_rows;
  const auto restore_one = [&](std::size_t i) {
    const auto start = std::chrono::steady_clock::now();
    Image image = load_image(files[i], load);
    const Diagnosis before = reasoner->diagnose(image.rgb);
    const auto progress = [&](int done, int total) {
      if (terminal && total > 1) std::fprintf(stderr, "\r%s: tile %d/%d", files[i].c_str(), done, total);
      if (terminal && total > 1 && done == total) std::fprintf(stderr, "\n");
    };
    const at::Tensor input = image.rgb;
    image.rgb = restorer->restore(image.rgb, before, options, progress);
    const Diagnosis after = reasoner->diagnose(image.rgb);
    save_image(image, outputs[i]);
    if (!a.sheet.empty()) sheet_rows.push_back(sheet_row(input, image.rgb));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%s -> %s (%.2f s): %s\n", files[i].c_str(), outputs[i].c_str(), seconds,
                before_after(before, after).c_str());
    std::fflush(stdout);
    if (!a.diagnosis_out.empty())
      report += nlohmann::json({{"file", files[i]}, {"output", outputs[i]}, {"before", diagnosis_to_json(before)},
                                {"after", diagnosis_to_json(after)}})
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
      save_image(image_from_tensor(before_after_sheet(sheet_rows)), a.sheet);
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
  cmd->callback([a] { run(*a); });
}

}  // namespace rirf::cli

// rirf diagnose INPUT... [--backend diagnet|classical] [--reasoner FILE] [--json] [--out FILE]
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "commands.hpp"
#include "rirf/error.hpp"
#include "rirf/file_io.hpp"
#include "rirf/image_io.hpp"
#include "rirf/pipeline.hpp"

namespace rirf::cli {
namespace {
struct DiagnoseArgs {
  std::vector<std::string> inputs;
  std::string backend = "diagnet", weights, out;
  bool json = false;
  std::int64_t max_pixels = 0;  // set by add_max_pixels_option
};

void run(const DiagnoseArgs& a) {
  PipelineOptions models;
  models.backend = backend_from_name(a.backend);
  models.reasoner_weights = a.weights;
  models.load_restorer = false;
  models.validate();
  LoadOptions load;
  load.max_pixels = a.max_pixels;
  const auto files = expand_inputs(a.inputs);
  for (const auto& file : files) probe_image(file, load);  // a bad input stops the run before any work
  if (!a.out.empty()) check_outputs(files, {{"--out", a.out}});
  Pipeline pipeline(models);
  std::string output;
  const std::size_t failed = run_batch(files, [&](std::size_t i) {
    const Diagnosis d = pipeline.diagnose(load_image(files[i], load).rgb);
    if (a.json) {
      nlohmann::json j = diagnosis_to_json(d);
      j["file"] = files[i];
      output += j.dump() + "\n";
    } else {
      output += "== " + files[i] + "\n" + diagnosis_to_text(d) + "\n";
    }
    if (a.out.empty()) {  // stream to the terminal as each image is done
      std::cout << output << std::flush;
      output.clear();
    }
  });
  if (!a.out.empty() && failed < files.size()) write_file_atomic(a.out, output);  // the images that were read
  finish_batch(failed, files.size(), "the others were diagnosed");
}

}  // namespace

void register_diagnose(CLI::App& app) {
  auto args = std::make_shared<DiagnoseArgs>();
  CLI::App* cmd = app.add_subcommand("diagnose", "Say what is wrong with images: types, severity, factors, scene, reasoning");
  cmd->add_option("inputs", args->inputs, "image files and/or folders")->required();
  cmd->add_option("--backend", args->backend, "diagnet (trained, default) or classical (estimators, no weights)");
  cmd->add_option("--reasoner,--weights", args->weights,
                  "DiagNet weights, as in restore (default: the shipped models/reasoner.safetensors); --weights is its old name");
  cmd->add_flag("--json", args->json, "one JSON line (schema rirf.diagnosis/1) per image instead of text");
  cmd->add_option("--out", args->out, "write to this file instead of stdout");
  add_max_pixels_option(*cmd, args->max_pixels);
  cmd->callback([args] { with_flag_names({{"reasoner_weights", "--reasoner"}}, [&] { run(*args); }); });
}

}  // namespace rirf::cli

// rirf eval --pred DIR|FILE --gt DIR|FILE [--json|--csv] [--out FILE]
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <iomanip>
#include <map>
#include <memory>
#include <sstream>

#include "commands.hpp"
#include "rirf/error.hpp"
#include "rirf/file_io.hpp"
#include "rirf/image_io.hpp"
#include "rirf/metrics.hpp"

namespace rirf::cli {
namespace {
namespace fs = std::filesystem;

struct EvalArgs {
  std::string pred, gt, out;
  bool json = false, csv = false, y_channel = false, gaussian = false;
  int crop_border = 0;
  int crop_multiple = 16;
  std::int64_t max_pixels = 0;  // set by add_max_pixels_option
};

struct Row {
  std::string name;
  double psnr, ssim;
};

// (pred, gt) pairs matched by file stem; every prediction needs its ground truth.
std::vector<std::pair<std::string, std::string>> pair_files(const std::string& pred, const std::string& gt) {
  std::error_code ec;
  if (!fs::is_directory(pred, ec) && !fs::is_directory(gt, ec)) return {{pred, gt}};
  check(fs::is_directory(pred, ec) && fs::is_directory(gt, ec), "--pred and --gt must both be folders or both files");
  std::map<std::string, std::string> truth;
  for (const auto& path : list_image_files(gt)) truth[fs::path(path).stem().string()] = path;
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& path : list_image_files(pred)) {
    const auto it = truth.find(fs::path(path).stem().string());
    check(it != truth.end(), "no ground truth for '" + path + "' in '" + gt + "'");
    pairs.emplace_back(path, it->second);
  }
  check(!pairs.empty(), "no PNG, JPEG, WebP or TIFF images in '" + pred + "'");
  return pairs;
}

std::string fixed(double v, int digits) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(digits) << v;
  return s.str();
}

std::string render(const std::vector<Row>& rows, const Row& mean, const EvalArgs& a, const MetricOptions& m) {
  std::ostringstream out;
  if (a.json) {
    nlohmann::json images = nlohmann::json::array();
    for (const auto& r : rows) images.push_back({{"name", r.name}, {"psnr", r.psnr}, {"ssim", r.ssim}});
    nlohmann::json doc = {{"settings",
                           {{"y_channel", m.y_channel},
                            {"crop_border", m.crop_border},
                            {"gaussian_window", m.gaussian_window},
                            {"crop_multiple", a.crop_multiple}}},
                          {"images", images},
                          {"mean", {{"psnr", mean.psnr}, {"ssim", mean.ssim}, {"count", rows.size()}}}};
    out << doc.dump(2) << "\n";
  } else if (a.csv) {
    out << "image,psnr,ssim\n";
    for (const auto& r : rows) out << r.name << "," << fixed(r.psnr, 4) << "," << fixed(r.ssim, 4) << "\n";
    out << "mean," << fixed(mean.psnr, 4) << "," << fixed(mean.ssim, 4) << "\n";
  } else {
    out << "PSNR/SSIM on " << (m.y_channel ? "Y (BT.601)" : "RGB") << ", data range 1, SSIM "
        << (m.gaussian_window ? "11x11 Gaussian" : "7x7 uniform") << " window, crop border " << m.crop_border
        << ", centre crop to a multiple of " << a.crop_multiple << "\n\n";
    out << "| image | PSNR (dB) | SSIM |\n|---|---:|---:|\n";
    for (const auto& r : rows) out << "| " << r.name << " | " << fixed(r.psnr, 2) << " | " << fixed(r.ssim, 4) << " |\n";
    out << "| **mean of " << rows.size() << "** | **" << fixed(mean.psnr, 2) << "** | **" << fixed(mean.ssim, 4)
        << "** |\n";
  }
  return out.str();
}

void run(const EvalArgs& a) {
  check(!(a.json && a.csv), "give at most one of --json and --csv");
  MetricOptions m;
  m.y_channel = a.y_channel;
  m.crop_border = a.crop_border;
  m.gaussian_window = a.gaussian;
  m.validate();
  LoadOptions load;
  load.max_pixels = a.max_pixels;
  const auto pairs = pair_files(a.pred, a.gt);
  if (!a.out.empty()) {
    std::vector<std::string> inputs;
    for (const auto& [pred_path, gt_path] : pairs) inputs.insert(inputs.end(), {pred_path, gt_path});
    check_outputs(inputs, {{"--out", a.out}});
  }
  std::vector<Row> rows;
  Row mean{"mean", 0, 0};
  for (const auto& [pred_path, gt_path] : pairs) {
    const Image pred = load_image(pred_path, load), gt = load_image(gt_path, load);
    check(pred.width() == gt.width() && pred.height() == gt.height(),
          "'" + pred_path + "' is " + std::to_string(pred.width()) + "x" + std::to_string(pred.height()) + " but '" +
              gt_path + "' is " + std::to_string(gt.width()) + "x" + std::to_string(gt.height()));
    const at::Tensor p = center_crop_to_multiple(pred.rgb, a.crop_multiple);
    const at::Tensor g = center_crop_to_multiple(gt.rgb, a.crop_multiple);
    Row row{fs::path(pred_path).filename().string(), psnr(p, g, m), ssim(p, g, m)};
    // Identical images have infinite PSNR; cap at 100 dB so means and JSON stay finite.
    row.psnr = std::min(row.psnr, 100.0);
    mean.psnr += row.psnr;
    mean.ssim += row.ssim;
    rows.push_back(row);
  }
  mean.psnr /= static_cast<double>(rows.size());
  mean.ssim /= static_cast<double>(rows.size());
  const std::string text = render(rows, mean, a, m);
  if (a.out.empty()) {
    std::cout << text;
  } else {
    write_file_atomic(a.out, text);
  }
}

}  // namespace

void register_eval(CLI::App& app) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = app.add_subcommand("eval", "PSNR/SSIM of predictions against ground truth, per image and mean");
  cmd->add_option("--pred", args->pred, "restored image or folder (matched to --gt by file name)")->required();
  cmd->add_option("--gt", args->gt, "ground-truth image or folder")->required();
  cmd->add_flag("--json", args->json, "print JSON instead of a table");
  cmd->add_flag("--csv", args->csv, "print CSV instead of a table");
  cmd->add_option("--out", args->out, "write the result to this file instead of stdout");
  cmd->add_flag("--y", args->y_channel, "measure on BT.601 luma instead of RGB");
  cmd->add_flag("--gaussian", args->gaussian, "SSIM with an 11x11 Gaussian window (Wang et al.)");
  cmd->add_option("--crop-border", args->crop_border, "pixels dropped from every side (default 0)")
      ->check(CLI::Range(0, 10000));
  cmd->add_option("--crop-multiple", args->crop_multiple, "centre-crop to a multiple of this (default 16; 1 = off)")
      ->check(CLI::Range(1, 1024));
  add_max_pixels_option(*cmd, args->max_pixels);
  cmd->callback([args] { run(*args); });
}

}  // namespace rirf::cli

#include "train/train_util.hpp"

#include <sched.h>

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <optional>
#include <sstream>
#include <thread>

#include "rirf/error.hpp"
#include "rirf/file_io.hpp"

namespace rirf::train {

std::string fmt(const char* format, ...) {
  char buffer[1024];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buffer, sizeof buffer, format, args);
  va_end(args);
  return buffer;
}

double cosine_learning_rate(double peak, int step, int steps, int warmup) {
  const double warm = std::min(1.0, (step + 1.0) / std::max(1, warmup));
  const double progress = static_cast<double>(step) / std::max(1, steps);
  return peak * warm * 0.5 * (1.0 + std::cos(3.14159265358979 * progress));
}

void set_learning_rate(torch::optim::AdamW& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
}

void set_threads(int threads, const DistributedOptions& distributed) {
  const int cores = usable_cores();
  if (threads > 0)
    at::set_num_threads(threads);
  else if (distributed.local_world_size > 1)
    at::set_num_threads(std::max(1, cores / distributed.local_world_size));
}

Log main_rank_log(const DataParallel& ranks, Log log) {
  return [main = ranks.is_main(), log = std::move(log)](const std::string& line) {
    if (main) log(line);
  };
}

void open_run(const DataParallel& ranks, const DistributedOptions& distributed, const std::string& out, const Log& log) {
  if (!ranks.is_main()) return;
  ensure_directory(out);
  if (ranks.enabled())
    log(fmt("data-parallel over %d ranks (c10d Gloo, master %s:%d)", ranks.world_size(),
            distributed.master_addr.c_str(), distributed.master_port));
}

namespace {
std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// state.json parsed, with the fields a resumed run reads checked: {"step": N >= 0, "rng": S}.
nlohmann::json checked_run_state(const std::string& text, const std::string& path) {
  nlohmann::json state;
  try {
    state = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw Error("cannot resume: '" + path + "' is not valid JSON (" + first_line(e.what()) + ")");
  }
  check(state.is_object() && state.contains("step") && state["step"].is_number_integer() &&
            state["step"].get<std::int64_t>() >= 0 && state["step"].get<std::int64_t>() <= std::numeric_limits<int>::max() &&
            state.contains("rng") && state["rng"].is_number_unsigned() &&
            (!state.contains("best_score") || state["best_score"].is_number()),
        "cannot resume: '" + path + "' needs a step (an integer >= 0) and an rng state (an unsigned integer)");
  return state;
}
}  // namespace

void require_checkpoint(const std::string& out) {
  check(std::filesystem::exists(std::filesystem::path(out) / "state.json"),
        "cannot resume: no checkpoint in '" + out + "' (start a new run instead)");
}

nlohmann::json resume_state(DataParallel& ranks, const std::string& out, torch::optim::Optimizer& optimizer) {
  std::string state, moments;
  nlohmann::json parsed;
  if (ranks.is_main()) {
    const auto path = std::filesystem::path(out) / "state.json";
    state = read_file_text(path.string());
    parsed = checked_run_state(state, path.string());
    // The moments go where the parameters are (a run checkpointed on a GPU resumes on one).
    const auto& params = optimizer.param_groups().front().params();
    const at::Device device = params.empty() ? at::Device(at::kCPU) : params.front().device();
    const auto optimizer_path = (std::filesystem::path(out) / "optimizer.pt").string();
    check(std::filesystem::exists(optimizer_path), "cannot resume: '" + optimizer_path + "' is missing");
    try {
      torch::load(optimizer, optimizer_path, device);
    } catch (const c10::Error& e) {
      throw Error("cannot resume: '" + optimizer_path + "' is damaged or belongs to another network (" +
                  first_line(e.what()) + ")");
    }
    if (ranks.enabled()) {
      std::ostringstream bytes;
      torch::save(optimizer, bytes);
      moments = bytes.str();
    }
  }
  state = ranks.share("resume/state", state);
  moments = ranks.share("resume/optimizer", moments);
  if (!ranks.is_main()) {
    std::istringstream bytes(moments);
    torch::load(optimizer, bytes);
  }
  return ranks.is_main() ? parsed : checked_run_state(state, "state.json");
}

void update_ema(torch::nn::Module& ema, torch::nn::Module& net, double decay) {
  torch::NoGradGuard no_grad;
  const auto target = ema.parameters();
  const auto source = net.parameters();
  for (std::size_t i = 0; i < target.size(); ++i)
    target[i].mul_(decay).add_(source[i].to(target[i].device()), 1.0 - decay);
}

at::Tensor quantise(const at::Tensor& x) { return (x.clamp(0, 1) * 255.0).round() / 255.0; }

std::string ProgressLine::rate(int step, int steps) const {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double per_second = (step - first_) / std::max(elapsed, 1e-9);
  double eta = (steps - step) / std::max(per_second, 1e-9) / 60.0;
  if (clock_) eta = std::min(eta, clock_->minutes_left());
  return fmt("%.2f steps/s  eta %.0f min", per_second, eta);
}

void ProgressLine::add(double loss, int step) {
  check(std::isfinite(loss), fmt("train: the loss is not finite at step %d: the run diverged (try a lower learning rate)", step));
  running_ += loss, ++count_;
}

std::string ProgressLine::take(int step, int steps, double lr, double reduce_ms) {
  const std::string line =
      fmt("step %d/%d  loss %.4f  lr %.2e  ", step, steps, running_ / std::max(1, count_), lr) + rate(step, steps);
  running_ = 0;
  count_ = 0;
  return reduce_ms > 0 ? line + fmt("  all-reduce %.1f ms/step", reduce_ms) : line;
}

at::Device training_device(const std::string& name) {
  std::optional<at::Device> device;
  try {
    device = at::Device(name);
  } catch (const std::exception&) {
  }
  check_option(device && (device->is_cpu() || device->is_cuda()), "device", "must be cpu or cuda[:N], got '" + name + "'");
  check(device->is_cpu() || torch::cuda::is_available(),
        "device: " + name + ": this libtorch sees no CUDA GPU (Debian's libtorch is CPU-only; see docs/gpu-training.md)");
  return *device;
}

at::Device begin_run(const TrainRunOptions& options) {
  const at::Device device = training_device(options.compute.device);
  set_threads(options.threads, options.distributed);
  if (options.resume && options.distributed.rank == 0) require_checkpoint(options.out_dir);
  return device;
}

double RunClock::minutes_spent() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count() / 60.0;
}

int RunClock::position(int step) const {
  if (minutes_ <= 0) return step;
  return std::max(step, static_cast<int>(std::min(1.0, minutes_spent() / minutes_) * steps_));
}

double RunClock::minutes_left() const {
  if (minutes_ <= 0) return std::numeric_limits<double>::infinity();
  return std::max(0.0, minutes_ - minutes_spent());
}

}  // namespace rirf::train

namespace rirf {

int usable_cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace rirf

#include "train/run_setup.hpp"

#include <sched.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <optional>
#include <sstream>
#include <thread>

#include "rirf/error.hpp"
#include "rirf/file_io.hpp"
#include "train/progress.hpp"

namespace rirf::train {

void set_threads(int threads, const DistributedOptions& distributed) {
  const int cores = usable_cores();
  if (threads > 0) at::set_num_threads(threads);
  else if (distributed.local_world_size > 1) at::set_num_threads(std::max(1, cores / distributed.local_world_size));
}

Log main_rank_log(const DataParallel& ranks, Log log) {
  return [main = ranks.is_main(), log = std::move(log)](const std::string& line) {
    if (main) log(line);
  };
}

void open_run(const DataParallel& ranks, const DistributedOptions& distributed, const std::string& out,
              const Log& log) {
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
            state["step"].get<std::int64_t>() >= 0 &&
            state["step"].get<std::int64_t>() <= std::numeric_limits<int>::max() && state.contains("rng") &&
            state["rng"].is_number_unsigned() && (!state.contains("best_score") || state["best_score"].is_number()),
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

at::Device training_device(const std::string& name) {
  std::optional<at::Device> device;
  try {
    device = at::Device(name);
  } catch (const std::exception&) {
  }
  check_option(device && (device->is_cpu() || device->is_cuda()), "device",
               "must be cpu or cuda[:N], got '" + name + "'");
  check(
      device->is_cpu() || torch::cuda::is_available(),
      "device: " + name + ": this libtorch sees no CUDA GPU (Debian's libtorch is CPU-only; see docs/gpu-training.md)");
  return *device;
}

at::Device begin_run(const TrainRunOptions& options) {
  const at::Device device = training_device(options.compute.device);
  set_threads(options.threads, options.distributed);
  if (options.resume && options.distributed.rank == 0) require_checkpoint(options.out_dir);
  return device;
}

}  // namespace rirf::train

namespace rirf {

int usable_cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace rirf

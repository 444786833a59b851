// The options the trainers share: TrainRunOptions (data, output, schedule, seed), ComputeOptions
// and DistributedOptions (validation, the launcher's environment variables, HOST:PORT parsing),
// and the restorer trainers' PairSamplingOptions. Their JSON is in options_json.cpp.
#include <charconv>

#include "rirf/degrade.hpp"
#include "rirf/error.hpp"
#include "rirf/train.hpp"

namespace rirf {
namespace {

int parse_int(const std::string& text, const std::string& what) {
  int value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  check(ec == std::errc() && ptr == end && !text.empty(), what + " must be a whole number, got '" + text + "'");
  return value;
}

}  // namespace

void DistributedOptions::validate() const {
  check(world_size >= 1, "distributed: world size must be at least 1");
  check(rank >= 0 && rank < world_size,
        "distributed: rank " + std::to_string(rank) + " is outside [0, " + std::to_string(world_size) + ")");
  check(master_port >= 1 && master_port <= 65535, "distributed: master port must be in [1, 65535]");
  check_option(!master_addr.empty(), "master", "not given: the master's HOST:PORT (or MASTER_ADDR)");
  check_option(timeout_s >= 1, "timeout_s", "must be at least 1 second");
  check(local_world_size >= 1, "distributed: local world size must be at least 1");
}

nlohmann::json DistributedOptions::to_json() const {
  return {{"world_size", world_size}, {"master", master_addr + ":" + std::to_string(master_port)},
          {"timeout_s", timeout_s}, {"local_world_size", local_world_size}};
}

DistributedOptions distributed_from_environment(const std::function<const char*(const char*)>& getenv) {
  DistributedOptions o;
  const auto number = [&](std::initializer_list<const char*> names, int& field) {
    for (const char* name : names)
      if (const char* value = getenv(name)) {
        std::string text = value;
        // Slurm writes uneven layouts as "2(x3),1"; the first count is this node's kind.
        if (std::string(name) == "SLURM_NTASKS_PER_NODE") text = text.substr(0, text.find_first_of("(,"));
        field = parse_int(text, std::string("environment variable ") + name);
        return;
      }
  };
  // torchrun's names first; Slurm's when a job step runs rirf directly (srun).
  number({"WORLD_SIZE", "SLURM_NTASKS"}, o.world_size);
  number({"RANK", "SLURM_PROCID"}, o.rank);
  number({"LOCAL_WORLD_SIZE", "SLURM_NTASKS_PER_NODE"}, o.local_world_size);
  number({"MASTER_PORT"}, o.master_port);
  if (const char* addr = getenv("MASTER_ADDR")) o.master_addr = addr;
  return o;
}

void set_master(DistributedOptions& options, const std::string& host_port) {
  const auto colon = host_port.rfind(':');
  check(colon != std::string::npos && colon > 0 && colon + 1 < host_port.size(),
        "master: must be HOST:PORT, got '" + host_port + "'");
  options.master_addr = host_port.substr(0, colon);
  options.master_port = parse_int(host_port.substr(colon + 1), "master's port");
}

void ComputeOptions::validate(const DistributedOptions& distributed) const {
  check_option(data_workers >= 0 && data_workers <= 256, "data_workers", "must be in [0, 256]");
  check_option(minutes >= 0, "minutes", "must not be negative");
  check_option(device == "cpu" || distributed.world_size == 1, "device", device + " trains in one process");
  // Ranks stopped by their own clocks would stop at different steps and wait on each other.
  check_option(minutes == 0 || distributed.world_size == 1, "minutes", "trains in one process");
}

void TrainRunOptions::validate_run() const {
  check_option(!data_dirs.empty(), "data_dirs", "not given: at least one folder of photos");
  check_option(!out_dir.empty(), "out_dir", "not given: the run folder");
  check_option(steps > 0, "steps", "must be positive");
  check_option(batch > 0 && batch <= 4096, "batch", "must be in [1, 4096]");
  check_option(crop >= 32 && crop <= 1024 && crop % 8 == 0, "crop", "must be a multiple of 8 in [32, 1024]");
  check_option(lr > 0 && lr < 1, "lr", "must be in (0, 1)");
  check_option(weight_decay >= 0, "weight_decay", "must not be negative");
  check_option(warmup >= 0, "warmup", "must not be negative");
  check_option(log_every > 0, "log_every", "must be positive");
  check_option(val_every > 0, "val_every", "must be positive");
  check_option(checkpoint_every > 0, "checkpoint_every", "must be positive");
  distributed.validate();
  compute.validate(distributed);
}

void PairSamplingOptions::validate_sampling() const {
  check_option(clean_probability >= 0 && clean_probability <= 1, "clean_probability", "must be in [0, 1]");
  check_option(single_probability >= 0 && single_probability <= 1, "single_probability", "must be in [0, 1]");
  check_option(haze_context >= 0 && haze_context <= 8192, "haze_context", "must be in [0, 8192] px");
  check_option(condition_view >= 0 && condition_view <= 2048, "condition_view", "must be in [0, 2048] px");
  validate_type_weights(type_weights);
}

}  // namespace rirf

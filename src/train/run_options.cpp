// The options every trainer's run shares: TrainRunOptions (data, output, schedule, seed),
// ComputeOptions and DistributedOptions (validation, the launcher's environment variables,
// HOST:PORT parsing).
#include <charconv>

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
  check(!master_addr.empty(), "distributed: give the master's address (--master HOST:PORT or MASTER_ADDR)");
  check(timeout_s >= 1, "distributed: --dist-timeout must be at least 1 second");
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
        "distributed: --master must be HOST:PORT, got '" + host_port + "'");
  options.master_addr = host_port.substr(0, colon);
  options.master_port = parse_int(host_port.substr(colon + 1), "--master's port");
}

void ComputeOptions::validate(const DistributedOptions& distributed) const {
  check(data_workers >= 0 && data_workers <= 256, "train: --data-workers must be in [0, 256]");
  check(minutes >= 0, "train: --minutes must not be negative");
  check(device == "cpu" || distributed.world_size == 1, "train: --device " + device + " trains in one process");
  // Ranks stopped by their own clocks would stop at different steps and wait on each other.
  check(minutes == 0 || distributed.world_size == 1, "train: --minutes trains in one process");
}

nlohmann::json ComputeOptions::to_json() const {
  return {{"device", device}, {"data_workers", data_workers}, {"minutes", minutes}};
}

void TrainRunOptions::validate_run(const std::string& who) const {
  check(!data_dirs.empty(), who + ": give at least one --data folder");
  check(!out_dir.empty(), who + ": give --out");
  check(steps > 0, who + ": --steps must be positive");
  check(batch > 0 && batch <= 4096, who + ": --batch must be in [1, 4096]");
  check(crop >= 32 && crop <= 1024 && crop % 8 == 0, who + ": --crop must be a multiple of 8 in [32, 1024]");
  check(lr > 0 && lr < 1, who + ": --lr must be in (0, 1)");
  check(weight_decay >= 0 && warmup >= 0, who + ": weight decay and warm-up must not be negative");
  check(log_every > 0 && val_every > 0 && checkpoint_every > 0,
        who + ": --val-every and --checkpoint-every must be positive");
  distributed.validate();
  compute.validate(distributed);
}

nlohmann::json TrainRunOptions::run_json() const {
  return {{"data_dirs", data_dirs}, {"val_dir", val_dir}, {"out_dir", out_dir}, {"exclude", exclude},
          {"steps", steps}, {"batch", batch}, {"crop", crop}, {"lr", lr}, {"weight_decay", weight_decay},
          {"warmup", warmup}, {"log_every", log_every}, {"val_every", val_every},
          {"checkpoint_every", checkpoint_every}, {"seed", seed}, {"threads", threads},
          {"compute", compute.to_json()}, {"distributed", distributed.to_json()}};
}

}  // namespace rirf

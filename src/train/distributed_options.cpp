// DistributedOptions: validation, the launcher's environment variables, HOST:PORT parsing.
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

}  // namespace rirf

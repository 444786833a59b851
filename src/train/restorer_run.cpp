#include "train/restorer_run.hpp"

#include <torch/torch.h>

#include <cmath>
#include <filesystem>

#include "restore/restorer_weights.hpp"
#include "rirf/error.hpp"
#include "rirf/file_io.hpp"

namespace rirf::train {
namespace fs = std::filesystem;

void load_restorer_into(RestorerNet& to, const std::string& path) {
  RestorerNet loaded = load_restorer_net(path);
  check(loaded->options().to_json() == to->options().to_json(),
        "'" + path + "' holds a different network (" + loaded->options().to_json().dump() + ")");
  copy_parameters(*to, *loaded);
}

int start_restorer_run(DataParallel& ranks, const std::string& out, bool resume, RestorerNet& net, RestorerNet& ema,
                       torch::optim::Optimizer& optimizer, Rng& rng, const Log& log_main) {
  int step = 0;
  if (resume) {
    if (ranks.is_main()) {
      load_restorer_into(net, (fs::path(out) / "checkpoint.safetensors").string());
      load_restorer_into(ema, (fs::path(out) / "ema.safetensors").string());
    }
    const auto state = resume_state(ranks, out, optimizer);
    step = state.at("step").get<int>();
    rng = Rng(ranks.data_seed(state.at("rng").get<std::uint64_t>()));
    log_main(fmt("resumed at step %d", step));
  } else {
    copy_parameters(*ema, *net);
  }
  ranks.broadcast(net->parameters());  // every rank starts from rank 0's weights
  ranks.broadcast(ema->parameters());
  return step;
}

void save_restorer_checkpoint(DataParallel& ranks, const std::string& out, int step, const Rng& rng, RestorerNet& net,
                              RestorerNet& ema, torch::optim::Optimizer& optimizer,
                              std::map<std::string, std::string> metadata) {
  ranks.check_identical(net->parameters());
  if (!ranks.is_main()) return;
  metadata["step"] = std::to_string(step);
  const fs::path dir(out);
  save_restorer_net(net, (dir / "checkpoint.safetensors").string(), metadata);
  save_restorer_net(ema, (dir / "ema.safetensors").string(), metadata);
  torch::save(optimizer, (dir / "optimizer.pt").string());
  write_file_atomic((dir / "state.json").string(), nlohmann::json({{"step", step}, {"rng", rng.state()}}).dump(2) + "\n");
}

at::Tensor restoration_loss(const at::Tensor& restored, const at::Tensor& target, const std::string& loss) {
  if (loss == "psnr") return 10.0 / std::log(10.0) * at::log((restored - target).pow(2).mean({1, 2, 3}) + 1e-8).mean();
  return torch::l1_loss(restored, target);
}

}  // namespace rirf::train

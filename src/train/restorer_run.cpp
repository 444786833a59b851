#include "train/restorer_run.hpp"

#include <torch/torch.h>

#include <cmath>
#include <filesystem>

#include "restore/restorer_weights.hpp"
#include "rirf/error.hpp"
#include "rirf/file_io.hpp"
#include "train/ema.hpp"
#include "train/progress.hpp"
#include "train/restorer_widen.hpp"

namespace rirf::train {
namespace fs = std::filesystem;

namespace {

// Blocks `to` has beyond `from`, or -1 when `to` is not `from` with blocks appended.
int blocks_added(const RestorerNetOptions& from, const RestorerNetOptions& to) {
  if (from.width != to.width || from.conditioned != to.conditioned || from.embedding != to.embedding ||
      from.levels() != to.levels() || from.middle_blocks > to.middle_blocks)
    return -1;
  int added = to.middle_blocks - from.middle_blocks;
  for (int k = 0; k < from.levels(); ++k) {
    if (from.encoder_blocks[k] > to.encoder_blocks[k] || from.decoder_blocks[k] > to.decoder_blocks[k]) return -1;
    added += to.encoder_blocks[k] - from.encoder_blocks[k] + to.decoder_blocks[k] - from.decoder_blocks[k];
  }
  return added;
}

}  // namespace

Growth load_restorer_into(RestorerNet& to, const std::string& path, bool grow, std::uint64_t seed) {
  RestorerNet loaded = load_restorer_net(path);
  const int from_width = loaded->options().width, width = to->options().width;
  if (grow && from_width < width && width % from_width == 0) loaded = widen_restorer(loaded, width, seed);
  const int added = blocks_added(loaded->options(), to->options());
  check(added == 0 || (grow && added > 0),
        "'" + path + "' holds a different network (" + loaded->options().to_json().dump() + "; this run builds " +
            to->options().to_json().dump() + ")");
  torch::NoGradGuard no_grad;
  const auto source = loaded->named_parameters();
  for (auto& item : to->named_parameters())
    if (const auto* value = source.find(item.key())) item.value().copy_(*value);
  return {from_width, added};
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
  if (loss == "l1") return torch::l1_loss(restored, target);
  const double db = 10.0 / std::log(10.0);
  const at::Tensor error = restored - target;
  at::Tensor total = db * at::log(error.pow(2).mean({1, 2, 3}) + 1e-8).mean();
  if (loss == "psnr-fft") {
    // Orthonormal, so a white error has the same size in both domains; 2 x dB because the L1
    // of the spectrum scales like the error, the MSE like its square.
    const at::Tensor spectrum = torch::fft::rfft2(error, c10::nullopt, {-2, -1}, "ortho");
    total = total + 2 * db * at::log(torch::abs(spectrum).mean({1, 2, 3}) + 1e-8).mean();
  }
  return total;
}

bool is_restoration_loss(const std::string& loss) { return loss == "l1" || loss == "psnr" || loss == "psnr-fft"; }

}  // namespace rirf::train

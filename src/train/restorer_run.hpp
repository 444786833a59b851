// Internal: a RestorerNet training run's state (weights, EMA, optimizer, step, data stream),
// started or resumed alike on every rank and checkpointed by rank 0. Shared by the supervised
// trainer and the RL stage.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "restore/restorer_model.hpp"
#include "rirf/rng.hpp"
#include "train/data_parallel.hpp"
#include "train/run_setup.hpp"

namespace rirf::train {

// Copies the weights in `path` into `to`; Error naming the file if it holds another shape. With
// `grow`, the file may also hold a narrower or shallower network of the same levels and
// condition: a narrower one is first widened to `to`'s width (src/train/restorer_widen.hpp, shares
// drawn from `seed`); then its blocks are copied by name (a level's blocks are numbered from its
// input), and `to`'s extra blocks keep their initial weights, the identity while their residual
// scales are zero. Returns what was grown.
struct Growth {
  int from_width = 0;
  int blocks_added = 0;
};
Growth load_restorer_into(RestorerNet& to, const std::string& path, bool grow = false, std::uint64_t seed = 0);

// With `resume`, rank 0 loads the run folder's checkpoint and EMA, every rank gets the optimizer
// and step from it and continues its data stream (`rng`); otherwise ema starts as net. Then all
// ranks hold rank 0's weights. Returns the step to start from.
int start_restorer_run(DataParallel& ranks, const std::string& out, bool resume, RestorerNet& net, RestorerNet& ema,
                       torch::optim::Optimizer& optimizer, Rng& rng, const Log& log_main);

// Checks that the ranks agree, then rank 0 writes checkpoint.safetensors, ema.safetensors,
// optimizer.pt and state.json (step, data stream) into `out`.
void save_restorer_checkpoint(DataParallel& ranks, const std::string& out, int step, const Rng& rng, RestorerNet& net,
                              RestorerNet& ema, torch::optim::Optimizer& optimizer,
                              std::map<std::string, std::string> metadata = {});

// The supervised loss of a restoration batch: "l1", or "psnr" (NAFNet's: each sample's log MSE,
// so that the easy samples (clean, mild, single-type) weigh as much as the hard composites,
// whose large errors dominate L1), or "psnr-fft": psnr plus each sample's log mean absolute
// error of the 2-D spectrum in the same dB units (MIMO-UNet's frequency L1, made scale-free
// like the psnr term). By Parseval an L2 loss weighs a frequency by its error energy, so the
// many small high-frequency errors of an output left blurred or blocky cost little; their L1
// costs more.
at::Tensor restoration_loss(const at::Tensor& restored, const at::Tensor& target, const std::string& loss);
bool is_restoration_loss(const std::string& loss);

}  // namespace rirf::train

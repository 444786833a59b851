#include "train/training_loop.hpp"

#include "train/schedule.hpp"

namespace rirf::train {

int run_training_loop(const TrainRunOptions& options, int step, torch::optim::AdamW& optimizer, DataParallel& ranks,
                      const Log& log_main, const Recipe& recipe) {
  const RunClock clock(options.steps, options.compute.minutes);
  ProgressLine progress(step, &clock);
  while (!clock.done(step)) {
    const double lr = cosine_learning_rate(options.lr, clock.position(step), options.steps, options.warmup);
    set_learning_rate(optimizer, lr);
    ++step;
    recipe.step(step, progress);
    const bool last = clock.done(step);
    if (step % options.log_every == 0 || last)
      log_main(recipe.progress_line ? recipe.progress_line(step, lr, progress)
                                    : progress.take(step, options.steps, lr, ranks.take_reduce_ms()));
    if (recipe.validate && (step % options.val_every == 0 || last)) recipe.validate(step);
    if (step % options.checkpoint_every == 0 || last) recipe.checkpoint(step);
  }
  return step;
}

void apply_gradients(const at::Tensor& loss, torch::nn::Module& net, DataParallel& ranks,
                     torch::optim::Optimizer& optimizer) {
  loss.backward();
  ranks.average_gradients(net.parameters());
  torch::nn::utils::clip_grad_norm_(net.parameters(), 1.0);
  optimizer.step();
}

}  // namespace rirf::train

// Same-run diagnosis time of a 1 MP image read on four tiles (2x2) and on nine (3x3): the
// network with its evidence on the tiles, plus the scene measurement; interleaved, median of 31.
#include <torch/torch.h>
#include <chrono>
#include <cstdio>
#include "reason/diagnet_model.hpp"
#include "reason/diagnet_weights.hpp"
#include "rirf/diagnet.hpp"
#include "rirf/image_io.hpp"
#include "rirf/scene.hpp"
int main(int argc, char** argv){
  torch::set_num_threads(2);
  at::Tensor big = at::upsample_bilinear2d(rirf::load_image(argv[1]).rgb, {1024, 1024}, false, c10::nullopt, c10::nullopt);
  rirf::DiagNet net; rirf::load_diagnet_weights(net, argv[2]); net->eval();
  torch::InferenceMode g;
  std::vector<at::Tensor> four;
  for (int top : {128, 640}) for (int left : {128, 640}) four.push_back(big.slice(2, top, top + 256).slice(3, left, left + 256));
  const auto run = [&](bool nine) {
    const at::Tensor tiles = nine ? rirf::diagnosis_crops(big) : at::cat(four, 0).contiguous(at::MemoryFormat::ChannelsLast);
    rirf::tile_outputs(*net, tiles); rirf::measure_scene(big);
  };
  std::vector<double> t4, t9;
  run(false); run(true);
  for (int i = 0; i < 31; ++i) for (bool nine : {false, true}) {
    auto t = std::chrono::steady_clock::now(); run(nine);
    (nine ? t9 : t4).push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count());
  }
  std::sort(t4.begin(), t4.end()); std::sort(t9.begin(), t9.end());
  std::printf("1 MP diagnosis, median of 31 (ms): 2x2 %.1f, 3x3 %.1f, ratio %.2f\n", t4[15], t9[15], t9[15] / t4[15]);
}

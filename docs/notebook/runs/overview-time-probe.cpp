// Same-run diagnosis time of a 1 MP image on its nine tiles, without and with the haze overview
// (the whole image shrunk to 384 px, docs/notebook/reasoner.md, "An overview for haze"); interleaved,
// median of 31. Build: g++ -std=c++17 -O2 -Isrc -Iinclude $(torch flags) against build/librirf.a.
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
  const auto run = [&](bool overview) {
    at::Tensor out = rirf::tile_outputs(*net, rirf::diagnosis_crops(big));
    if (overview) rirf::add_overview_haze(out, *net, big);
    rirf::measure_scene(big);
  };
  std::vector<double> without, with;
  run(false); run(true);
  for (int i = 0; i < 31; ++i) for (bool overview : {false, true}) {
    auto t = std::chrono::steady_clock::now(); run(overview);
    (overview ? with : without).push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count());
  }
  std::sort(without.begin(), without.end()); std::sort(with.begin(), with.end());
  std::printf("1 MP diagnosis, median of 31 (ms): tiles %.1f, tiles + overview %.1f, ratio %.2f\n", without[15], with[15], with[15] / without[15]);
}

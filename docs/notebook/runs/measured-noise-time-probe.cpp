// Median time of a DiagNet diagnosis of a 1 MP image: clean and with noise alone.
#include <torch/torch.h>
#include <chrono>
#include <cstdio>
#include <algorithm>
#include "rirf/degrade.hpp"
#include "rirf/diagnet.hpp"
#include "rirf/image_io.hpp"
#include "train/train_util.hpp"
using namespace rirf;
int main(int argc, char** argv) {
  at::set_num_threads(2);
  auto r = load_diagnet_reasoner(argv[1]);
  const at::Tensor clean = load_image(argv[2]).rgb.slice(2, 0, 1024).slice(3, 0, 1024).contiguous();
  Rng rng(5);
  const at::Tensor noisy = train::quantise(apply(clean, {{make_step(DegradationType::noise, 40, rng)}}));
  for (auto* img : {&clean, &noisy}) {
    std::vector<double> t;
    Diagnosis d;
    for (int i = 0; i < 11; ++i) {
      auto a = std::chrono::steady_clock::now();
      d = r->diagnose(*img);
      t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a).count());
    }
    std::sort(t.begin(), t.end());
    std::printf("%s: median %.1f ms, noise present %d sigma %.2f, any other %d\n", img == &clean ? "clean" : "noisy", t[5],
                d.finding(DegradationType::noise).present ? 1 : 0, d.finding(DegradationType::noise).factors["sigma"].get<double>(),
                d.finding(DegradationType::blur).present || d.finding(DegradationType::jpeg).present);
  }
}

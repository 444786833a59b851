#include <torch/torch.h>
#include <chrono>
#include <cstdio>
#include "degrade/ops.hpp"
#include "restore/deconvolution.hpp"
using namespace rirf;
int main() {
  at::set_num_threads(2);
  at::Tensor img = at::rand({1, 3, 1024, 1024});
  for (int kind = 0; kind < 2; ++kind) for (double extent : {2.0, 4.0, 8.0, 16.0}) {
    Finding f; f.type = DegradationType::blur; f.present = true; f.severity = 50;
    f.factors = {{"extent_px", extent}, {"kind", kind ? "defocus" : "gaussian"}};
    auto k = deconvolution_kernel(f);
    if (!k) continue;
    deconvolve(img, *k, kDeconvolutionLambda);
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 3; ++i) deconvolve(img, *k, kDeconvolutionLambda);
    double ms = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / 3 * 1e3;
    std::printf("%s diagnosed extent %.0f: %.0f ms per 1 MP\n", kind ? "defocus" : "gaussian", extent, ms);
  }
}

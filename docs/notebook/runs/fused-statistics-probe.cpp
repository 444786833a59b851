// Old (libtorch ops) against fused ReLU + statistics (src/reason/diagnet_model.cpp): features equal, DiagNet time on nine 256 px tiles interleaved, median of 31.
// Build: g++ -std=c++17 -O3 -DNDEBUG -Isrc -Iinclude $(torch flags) against build/librirf.a; run: PROBE models/reasoner.safetensors IMAGES...
#include <torch/torch.h>
#include <chrono>
#include <cstdio>
#include "reason/diagnet_model.hpp"
#include "reason/diagnet_weights.hpp"
#include "reason/evidence.hpp"
#include "rirf/diagnet.hpp"
#include "rirf/image_io.hpp"
using namespace rirf;
// DiagNetImpl::features as it was (libtorch ops), for the comparison.
at::Tensor old_features(DiagNet& net, const at::Tensor& input, const at::Tensor& evidence) {
  auto stem = net->named_children()["stem"]->as<torch::nn::Conv2d>();
  auto stages = net->named_children()["stages"]->as<torch::nn::ModuleList>();
  std::vector<torch::Tensor> stats;
  const auto pool = [&stats](const torch::Tensor& t) {
    const torch::Tensor flat = t.flatten(2);
    const torch::Tensor mean = flat.mean(2);
    stats.push_back(mean);
    stats.push_back(0.5 * torch::log((flat - mean.unsqueeze(2)).pow(2).mean(2) + 1e-8));
  };
  torch::Tensor x = torch::relu(stem->forward(input - 0.5));
  pool(x);
  for (const auto& stage : *stages) { x = torch::relu(stage->as<torch::nn::Conv2d>()->forward(x)); pool(x); }
  stats.push_back(evidence);
  return torch::cat(stats, 1);
}
int main(int argc, char** argv){
  torch::set_num_threads(2);
  DiagNet net; load_diagnet_weights(net, argv[1]); net->eval();
  double maxdiff = 0, maxout = 0;
  for (int a = 2; a < argc; ++a) {
    at::Tensor img = load_image(argv[a]).rgb;
    at::Tensor tiles = diagnosis_crops(img), ev = evidence::evidence_vector(tiles);
    at::Tensor f_old, f_new, o_old, o_new;
    { torch::InferenceMode g; f_old = old_features(net, tiles, ev); o_old = net->head(f_old); }
    { torch::InferenceMode g; f_new = net->features(tiles, ev); o_new = net->forward(tiles, ev); }
    maxdiff = std::max(maxdiff, (f_old - f_new).abs().max().item<double>());
    maxout = std::max(maxout, (o_old - o_new).abs().max().item<double>());
  }
  std::printf("features max abs difference %.3g, outputs (logits) %.3g\n", maxdiff, maxout);
  at::Tensor big = at::upsample_bilinear2d(load_image(argv[2]).rgb, {1024, 1024}, false, c10::nullopt, c10::nullopt);
  at::Tensor tiles = diagnosis_crops(big), ev = evidence::evidence_vector(tiles);
  std::vector<double> to, tn;
  for (int i = 0; i < 31; ++i) {
    { torch::InferenceMode g; auto s = std::chrono::steady_clock::now(); net->head(old_features(net, tiles, ev)); to.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s).count()); }
    { torch::InferenceMode g; auto s = std::chrono::steady_clock::now(); net->forward(tiles, ev); tn.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s).count()); }
  }
  std::sort(to.begin(), to.end()); std::sort(tn.begin(), tn.end());
  std::printf("DiagNet on nine 256 px tiles, median of 31 (ms): ops %.2f, fused %.2f (x%.2f)\n", to[15], tn[15], to[15] / tn[15]);
}

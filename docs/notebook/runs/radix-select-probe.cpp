#include <torch/torch.h>
#include <chrono>
#include <cstdio>
#include "reason/evidence.hpp"
#include "rirf/diagnet.hpp"
#include "reason/diagnet_weights.hpp"
#include "rirf/image_io.hpp"
#include "degrade/ops.hpp"
template <class F> double ms(F f){ f(); std::vector<double> v; for(int i=0;i<31;++i){auto t=std::chrono::steady_clock::now(); f(); v.push_back(std::chrono::duration<double,std::milli>(std::chrono::steady_clock::now()-t).count());} std::sort(v.begin(),v.end()); return v[v.size()/2];}
int main(int argc, char** argv){
  torch::set_num_threads(2);
  at::Tensor t = rirf::diagnosis_crops(at::upsample_bilinear2d(rirf::load_image(argv[1]).rgb, {1024, 1024}, false, c10::nullopt, c10::nullopt)) * 255.0;
  at::Tensor g = (t.slice(3,1) - t.slice(3,0,-1)).abs().flatten(2).flatten(0,1).contiguous();  // [27, P]
  int64_t k = (g.size(1)+1)/2, k99 = g.size(1)*99/100;
  for (int r = 0; r < 2; ++r) {
  std::printf("median: kthvalue %.2f radix %.2f | p99: kthvalue %.2f radix %.2f\n", ms([&]{ g.kthvalue(k,1); }), ms([&]{ rirf::evidence::kth_smallest(g,k); }), ms([&]{ g.kthvalue(k99,1); }), ms([&]{ rirf::evidence::kth_smallest(g,k99); }));
  }
}

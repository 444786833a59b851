#include <torch/torch.h>
#include <chrono>
#include <cstdio>
#include "reason/evidence.hpp"
#include "rirf/diagnet.hpp"
#include "reason/diagnet_weights.hpp"
#include "rirf/image_io.hpp"
namespace rirf::evidence_old { at::Tensor noise_sigma(const at::Tensor& images); double midtone_noise_sigma(const at::Tensor& images); }
template <class F> double ms(F f){ f(); std::vector<double> v; for(int i=0;i<31;++i){auto t=std::chrono::steady_clock::now(); f(); v.push_back(std::chrono::duration<double,std::milli>(std::chrono::steady_clock::now()-t).count());} std::sort(v.begin(),v.end()); return v[v.size()/2];}
int main(int argc,char**argv){
  torch::set_num_threads(2);
  at::Tensor img = rirf::load_image(argv[1]).rgb;
  img = (img + 0.06*torch::randn_like(img)).clamp(0,1);
  at::Tensor t = rirf::diagnosis_crops(at::upsample_bilinear2d(img, {1024, 1024}, false, c10::nullopt, c10::nullopt));
  std::printf("tiles %ld; noise_sigma equal %d; midtone new %.9f old %.9f\n", t.size(0), (int)at::equal(rirf::evidence::noise_sigma(t), rirf::evidence_old::noise_sigma(t)), rirf::evidence::midtone_noise_sigma(t), rirf::evidence_old::midtone_noise_sigma(t));
  std::printf("noise_sigma new %.2f ms old %.2f ms\n", ms([&]{ rirf::evidence::noise_sigma(t); }), ms([&]{ rirf::evidence_old::noise_sigma(t); }));
  std::printf("midtone new %.2f ms old %.2f ms\n", ms([&]{ rirf::evidence::midtone_noise_sigma(t); }), ms([&]{ rirf::evidence_old::midtone_noise_sigma(t); }));
}

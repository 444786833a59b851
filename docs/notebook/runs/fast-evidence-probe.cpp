#include <torch/torch.h>
#include <chrono>
#include <cstdio>
#include "reason/evidence.hpp"
#include "reason/diagnet_weights.hpp"
#include "rirf/diagnet.hpp"
#include "rirf/image_io.hpp"
#include "rirf/degrade.hpp"
namespace rirf::evidence_old { at::Tensor evidence_vector(const at::Tensor& images); }
template <class F> double ms(F f){ f(); std::vector<double> v; for(int i=0;i<11;++i){auto t=std::chrono::steady_clock::now(); f(); v.push_back(std::chrono::duration<double,std::milli>(std::chrono::steady_clock::now()-t).count());} std::sort(v.begin(),v.end()); return v[v.size()/2];}
int main(int argc,char**argv){
  torch::set_num_threads(2);
  double worst=0; at::Tensor last;
  for(int i=1;i<argc;++i){
    at::Tensor img = rirf::load_image(argv[i]).rgb;
    at::Tensor noisy = (img + 0.08*torch::randn_like(img)).clamp(0,1);
    for (auto& im : {img, noisy}) {
      at::Tensor big = at::upsample_bilinear2d(im, {1024, 1024}, false, c10::nullopt, c10::nullopt);
      at::Tensor t = rirf::diagnosis_crops(big); last=t;
      at::Tensor a = rirf::evidence::evidence_vector(t), b = rirf::evidence_old::evidence_vector(t);
      double d = (a-b).abs().max().item<double>(); worst = std::max(worst,d);
      if (d > 1e-5) { std::printf("%s diff %g\n", argv[i], d); std::cout << (a-b).abs().amax(0) << "\n"; }
    }
  }
  std::printf("worst diff %g\n", worst);
  std::printf("new %.1f ms old %.1f ms\n", ms([&]{ rirf::evidence::evidence_vector(last); }), ms([&]{ rirf::evidence_old::evidence_vector(last); }));
  std::printf("new %.1f ms old %.1f ms\n", ms([&]{ rirf::evidence::evidence_vector(last); }), ms([&]{ rirf::evidence_old::evidence_vector(last); }));
}

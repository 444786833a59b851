#include <torch/torch.h>
#include <chrono>
#include <cstdio>
#include "reason/evidence.hpp"
#include "reason/diagnet_weights.hpp"
#include "rirf/diagnet.hpp"
#include "rirf/image_io.hpp"
#include "rirf/degrade.hpp"
namespace rirf::evidence_old { struct JpegTrace{at::Tensor quality, found;}; JpegTrace jpeg_trace(const at::Tensor& images); }
template <class F> double ms(F f){ f(); std::vector<double> v; for(int i=0;i<31;++i){auto t=std::chrono::steady_clock::now(); f(); v.push_back(std::chrono::duration<double,std::milli>(std::chrono::steady_clock::now()-t).count());} std::sort(v.begin(),v.end()); return v[v.size()/2];}
int main(int argc,char**argv){
  torch::set_num_threads(2);
  at::Tensor img = rirf::load_image(argv[1]).rgb;
  at::Tensor big = at::upsample_bilinear2d(img, {1024, 1024}, false, c10::nullopt, c10::nullopt);
  big = rirf::apply(big, {{{rirf::DegradationType::jpeg, rirf::JpegFactors{50}, 0}}});
  at::Tensor t = rirf::diagnosis_crops(big);
  auto a = rirf::evidence::jpeg_trace(t); auto b = rirf::evidence_old::jpeg_trace(t);
  std::printf("quality equal %d found equal %d (quality %.1f)\n", (int)at::equal(a.quality,b.quality), (int)at::equal(a.found,b.found), a.quality[0].item<double>());
  for (int r=0;r<2;++r) std::printf("jpeg_trace nine tiles: new %.2f ms old %.2f ms\n", ms([&]{ rirf::evidence::jpeg_trace(t); }), ms([&]{ rirf::evidence_old::jpeg_trace(t); }));
}

// The blur step: the plan's kernel convolved with the image (the kernel comes from
// generate_blur_kernel, kernel.cpp beside this file; drawn from the step's seed when the plan
// gives none).
#include "degradations/synthesis.hpp"
#include "rirf/error.hpp"

namespace rirf::degradations {

at::Tensor convolve_kernel(const at::Tensor& images, const BlurFactors& f) {
  check(f.kernel_size > 0 && static_cast<int>(f.kernel.size()) == f.kernel_size * f.kernel_size,
        "blur step has no kernel");
  if (f.kernel_size == 1) return images.clone();
  const at::Tensor k = at::from_blob(const_cast<float*>(f.kernel.data()), {f.kernel_size, f.kernel_size}, at::kFloat);
  return detail::convolve(images, k).clamp(0.0, 1.0);
}

at::Tensor synthesize(const at::Tensor& images, const BlurFactors& f, std::uint64_t seed) {
  if (!f.kernel.empty()) return convolve_kernel(images, f);
  BlurFactors generated = f;
  generate_blur_kernel(generated, seed);
  return convolve_kernel(images, generated);
}

}  // namespace rirf::degradations

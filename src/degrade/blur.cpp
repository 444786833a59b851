// The blur step: the plan's kernel convolved with the image (the kernel comes from
// generate_blur_kernel, src/types/blur_kernel.cpp).
#include "degrade/detail/synthesis.hpp"
#include "rirf/error.hpp"

namespace rirf::detail {

at::Tensor blur(const at::Tensor& images, const BlurFactors& f) {
  check(f.kernel_size > 0 && static_cast<int>(f.kernel.size()) == f.kernel_size * f.kernel_size,
        "blur step has no kernel");
  if (f.kernel_size == 1) return images.clone();
  const at::Tensor k = at::from_blob(const_cast<float*>(f.kernel.data()), {f.kernel_size, f.kernel_size}, at::kFloat);
  return convolve(images, k).clamp(0.0, 1.0);
}

}  // namespace rirf::detail

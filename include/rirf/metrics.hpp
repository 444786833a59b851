// Full-reference quality metrics, computed the way published tables compute them:
// PSNR and SSIM on RGB in [0, 1] (data range 1), SSIM with scikit-image's defaults
// (7x7 uniform window, K1 = 0.01, K2 = 0.03, sample covariance, mean over the window-valid
// interior, averaged over channels). Y-channel variants use ITU-R BT.601 luma in [16/255, 235/255].
#pragma once

#include <ATen/core/Tensor.h>

namespace rirf {

struct MetricOptions {
  bool y_channel = false;        // compare BT.601 luma instead of RGB
  int crop_border = 0;           // pixels dropped from every side first
  bool gaussian_window = false;  // SSIM with an 11x11 Gaussian window (sigma 1.5), as in Wang et al.
  void validate() const;
};

// Both tensors are [1, 3, H, W] (or [3, H, W]) with the same size, values in [0, 1].
double psnr(const at::Tensor& pred, const at::Tensor& truth, const MetricOptions& options = {});
double ssim(const at::Tensor& pred, const at::Tensor& truth, const MetricOptions& options = {});

// The centred [.., H', W'] window with H' and W' the largest multiples of `multiple`.
at::Tensor center_crop_to_multiple(const at::Tensor& image, int multiple);

// BT.601 luma of an RGB tensor [N, 3, H, W] in [0, 1]: [N, 1, H, W] in [16/255, 235/255].
at::Tensor rgb_to_y(const at::Tensor& rgb);

}  // namespace rirf

// Rain: streak layers at several depths, screen-blended over the scene with a veiling glow.
// Each layer scatters drop seeds (Bernoulli per pixel, random brightness) and smears them with
// an oriented, anti-aliased line kernel whose ends fade. Nearer layers have longer, wider and
// brighter streaks; further ones are shorter, thinner, dimmer and more numerous (the coverage is
// split between them). Screen blending (1 - (1 - a)(1 - b)) brightens like light scattered by
// drops and never darkens; the veil is the glow of out-of-focus drops and spray.
#include <algorithm>
#include <cmath>

#include "degradations/synthesis.hpp"

namespace rirf::degradations {
namespace {

constexpr double kPi = 3.14159265358979323846;

// A streak of `length` x `width` px at `angle_deg` from vertical, peak value 1.
at::Tensor streak_kernel(double length, double width, double angle_deg) {
  const double a = angle_deg * kPi / 180.0;
  const double dx = std::sin(a), dy = std::cos(a);  // along the streak (rows grow downwards)
  const int radius = static_cast<int>(std::ceil(length / 2 + width)) + 1;
  const int size = 2 * radius + 1;
  at::Tensor k = at::zeros({size, size}, at::kFloat);
  auto acc = k.accessor<float, 2>();
  const double sigma = std::max(width, 0.5) / 2.0;
  for (int y = 0; y < size; ++y)
    for (int x = 0; x < size; ++x) {
      const double px = x - radius, py = y - radius;
      const double along = px * dx + py * dy, across = -px * dy + py * dx;
      const double t = std::abs(along) / (length / 2);
      if (t > 1.0) continue;
      const double taper = std::sqrt(1.0 - t * t);  // fading ends
      acc[y][x] = static_cast<float>(taper * std::exp(-0.5 * across * across / (sigma * sigma)));
    }
  return k;
}

}  // namespace

at::Tensor synthesize(const at::Tensor& images, const RainFactors& f, std::uint64_t seed) {
  // images: [N, 3, H, W]
  if (f.coverage <= 0) return images.clone();
  auto gen = detail::make_generator(seed);
  Rng rng(seed);
  const auto n = images.size(0), h = images.size(2), w = images.size(3);
  static const double kShares[3][3] = {{1.0, 0, 0}, {0.55, 0.45, 0}, {0.4, 0.33, 0.27}};
  at::Tensor clear = at::ones({n, 1, h, w}, images.options());  // product of (1 - layer)
  for (int layer = 0; layer < f.layers; ++layer) {
    const double scale = 1.0 / (1.0 + 0.7 * layer);
    const double length = std::max(3.0, f.length_px * scale);
    const double width = std::max(0.6, f.width_px * scale);
    const double angle = f.angle_deg + rng.uniform(-4.0, 4.0);
    const double brightness = f.brightness * (1.0 - 0.2 * layer);
    const double coverage = f.coverage * kShares[f.layers - 1][layer];
    const double seed_rate = std::min(0.5, coverage / (length * width));
    // One uniform draw per pixel gives both: a drop where u < rate, and, given that, u / rate is
    // itself uniform, so it sets the drop's strength in [0.5, 1) for free.
    const at::Tensor u = detail::random_uniform({n, 1, h, w}, gen, images);
    const at::Tensor seeds = (u < seed_rate).to(images.scalar_type()) * (0.5 + 0.5 * u / seed_rate);
    const at::Tensor streaks = detail::convolve(seeds, streak_kernel(length, width, angle)).clamp(0.0, 1.0) * brightness;
    clear = clear * (1.0 - streaks);
  }
  // screen(image, rain, veil) = 1 - (1 - image)(1 - rain)(1 - veil)
  return (1.0 - (1.0 - images) * clear * (1.0 - f.veil)).clamp(0.0, 1.0);
}

}  // namespace rirf::degradations

// Blur kernels from the blur factors (kind, extent, angle): what the blur factor means physically.
//   gaussian  isotropic Gaussian, sigma = extent / (2 sqrt 2)
//   defocus   anti-aliased uniform disk (thin-lens circle of confusion), radius = extent / sqrt 2
//   motion    a random camera-shake trajectory after Boracchi & Foi (2012): a 2-D random walk
//             with inertia, random acceleration, a pull back to the start and rare abrupt jerks,
//             rotated to `angle_deg`, scaled to the extent and rasterised with bilinear splats.
// Extent is always re-measured on the final kernel (twice its RMS radius), so it means the same
// for every kind and the recorded severity matches the kernel actually used.
#include <algorithm>
#include <cmath>

#include "rirf/error.hpp"
#include "rirf/plan.hpp"
#include "rirf/rng.hpp"

namespace rirf {
namespace {

constexpr double kPi = 3.14159265358979323846;

std::vector<float> gaussian_kernel(double extent, int& size) {
  const double sigma = std::max(extent / (2.0 * std::sqrt(2.0)), 1e-3);
  const int radius = std::max(1, static_cast<int>(std::ceil(3.0 * sigma)));
  size = 2 * radius + 1;
  std::vector<float> k(static_cast<std::size_t>(size * size));
  for (int y = 0; y < size; ++y)
    for (int x = 0; x < size; ++x)
      k[y * size + x] = static_cast<float>(std::exp(-0.5 * ((x - radius) * (x - radius) + (y - radius) * (y - radius)) /
                                                    (sigma * sigma)));
  return k;
}

std::vector<float> disk_kernel(double extent, int& size) {
  const double r = std::max(extent / std::sqrt(2.0), 0.5);
  const int radius = static_cast<int>(std::ceil(r));
  size = 2 * radius + 1;
  constexpr int kSub = 8;  // 8x8 sub-samples per pixel for the disk's edge coverage
  std::vector<float> k(static_cast<std::size_t>(size * size));
  for (int y = 0; y < size; ++y)
    for (int x = 0; x < size; ++x) {
      int inside = 0;
      for (int sy = 0; sy < kSub; ++sy)
        for (int sx = 0; sx < kSub; ++sx) {
          const double dx = x - radius + (sx + 0.5) / kSub - 0.5, dy = y - radius + (sy + 0.5) / kSub - 0.5;
          inside += dx * dx + dy * dy <= r * r;
        }
      k[y * size + x] = static_cast<float>(inside);
    }
  return k;
}

std::vector<float> motion_kernel(double extent, double angle_deg, std::uint64_t seed, int& size) {
  Rng rng(seed);
  constexpr int kSteps = 1000;
  std::vector<double> xs(kSteps), ys(kSteps);
  double px = 0, py = 0, heading = rng.uniform(0, 2 * kPi);
  double vx = std::cos(heading), vy = std::sin(heading);
  const double anxiety = rng.uniform(0.005, 0.1), centripetal = rng.uniform(0.0, 0.01), jerk = 0.005;
  for (int i = 0; i < kSteps; ++i) {
    double ax = anxiety * rng.normal() - centripetal * px, ay = anxiety * rng.normal() - centripetal * py;
    if (rng.bernoulli(jerk)) {  // an abrupt shake: turn sharply
      const double turn = rng.uniform(-kPi, kPi);
      const double nx = vx * std::cos(turn) - vy * std::sin(turn);
      vy = vx * std::sin(turn) + vy * std::cos(turn);
      vx = nx;
    }
    vx += ax;
    vy += ay;
    const double speed = std::hypot(vx, vy) + 1e-12;
    vx /= speed;
    vy /= speed;
    px += vx * 0.01;
    py += vy * 0.01;
    xs[i] = px;
    ys[i] = py;
  }
  // Centre, then rotate the principal axis onto the requested angle.
  double mx = 0, my = 0;
  for (int i = 0; i < kSteps; ++i) mx += xs[i], my += ys[i];
  mx /= kSteps, my /= kSteps;
  double sxx = 0, syy = 0, sxy = 0;
  for (int i = 0; i < kSteps; ++i) {
    xs[i] -= mx, ys[i] -= my;
    sxx += xs[i] * xs[i], syy += ys[i] * ys[i], sxy += xs[i] * ys[i];
  }
  const double principal = 0.5 * std::atan2(2 * sxy, sxx - syy);
  const double rotate = angle_deg * kPi / 180.0 - principal;
  const double rms = std::sqrt((sxx + syy) / kSteps) + 1e-12;
  const double scale = (extent / 2.0) / rms;
  double reach = 0;
  for (int i = 0; i < kSteps; ++i) {
    const double x = (xs[i] * std::cos(rotate) - ys[i] * std::sin(rotate)) * scale;
    const double y = (xs[i] * std::sin(rotate) + ys[i] * std::cos(rotate)) * scale;
    xs[i] = x, ys[i] = y;
    reach = std::max({reach, std::abs(x), std::abs(y)});
  }
  const int radius = static_cast<int>(std::ceil(reach)) + 1;
  size = 2 * radius + 1;
  std::vector<float> k(static_cast<std::size_t>(size * size), 0.0f);
  for (int i = 0; i < kSteps; ++i) {
    // Image rows grow downwards: y up in the trajectory is a smaller row index.
    const double fx = xs[i] + radius, fy = -ys[i] + radius;
    const int x0 = static_cast<int>(std::floor(fx)), y0 = static_cast<int>(std::floor(fy));
    const double ax = fx - x0, ay = fy - y0;
    k[y0 * size + x0] += static_cast<float>((1 - ax) * (1 - ay));
    k[y0 * size + x0 + 1] += static_cast<float>(ax * (1 - ay));
    k[(y0 + 1) * size + x0] += static_cast<float>((1 - ax) * ay);
    k[(y0 + 1) * size + x0 + 1] += static_cast<float>(ax * ay);
  }
  return k;
}

std::vector<float> kernel_for(const BlurFactors& f, double extent, std::uint64_t seed, int& size) {
  switch (f.kind) {
    case BlurKind::gaussian: return gaussian_kernel(extent, size);
    case BlurKind::defocus: return disk_kernel(extent, size);
    case BlurKind::motion: return motion_kernel(extent, f.angle_deg, seed, size);
  }
  throw Error("unknown blur kind");
}

void normalise(std::vector<float>& k) {
  double sum = 0;
  for (float v : k) sum += v;
  for (float& v : k) v = static_cast<float>(v / sum);
}

}  // namespace

double kernel_extent(const std::vector<float>& kernel, int size) {
  double total = 0, cx = 0, cy = 0;
  for (int y = 0; y < size; ++y)
    for (int x = 0; x < size; ++x) {
      const double w = kernel[y * size + x];
      total += w, cx += w * x, cy += w * y;
    }
  cx /= total, cy /= total;
  double second = 0;
  for (int y = 0; y < size; ++y)
    for (int x = 0; x < size; ++x) second += kernel[y * size + x] * ((x - cx) * (x - cx) + (y - cy) * (y - cy));
  return 2.0 * std::sqrt(second / total);
}

void generate_blur_kernel(BlurFactors& f, std::uint64_t seed) {
  if (f.extent_px <= 0) {
    f.kernel = {1.0f};
    f.kernel_size = 1;
    f.extent_px = 0;
    return;
  }
  // Discretisation changes the measured extent of small kernels; a few multiplicative corrections
  // of the requested size land within a few percent of the target.
  int size = 0;
  double request = f.extent_px;
  std::vector<float> k = kernel_for(f, request, seed, size);
  for (int pass = 0; pass < 4; ++pass) {
    const double measured = kernel_extent(k, size);
    if (measured < 1e-6 || std::abs(measured - f.extent_px) < 0.02 * f.extent_px) break;
    // Bounded steps: sampled tiny kernels measure near zero and must not explode the request.
    request = std::min(request * std::clamp(f.extent_px / measured, 0.25, 4.0), 4.0 * f.extent_px + 2.0);
    k = kernel_for(f, request, seed, size);
  }
  normalise(k);
  f.kernel = std::move(k);
  f.kernel_size = size;
  f.extent_px = kernel_extent(f.kernel, size);
}

}  // namespace rirf

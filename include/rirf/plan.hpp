// The plan: which degradations, in which order, with which physical factors and random seeds.
// Part of the vocabulary every layer shares (with rirf/degradation.hpp): the engine applies a
// plan, the reasoner's ground truth is a plan, the trainers sample plans.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "rirf/degradation.hpp"

namespace rirf {

// Additive sensor-like noise. Variance at intensity x (0-1) is
//   shot * x + read^2 with shot = s * (sigma/255)^2 / 0.5 and read^2 = (1 - s) * (sigma/255)^2,
// s = signal_dependence, so `sigma` is the standard deviation at mid-grey whatever s is.
struct NoiseFactors {
  double sigma = 25.0;             // 0-255 scale, 0-75
  double signal_dependence = 0.0;  // 0 = Gaussian, 1 = pure shot noise (Poisson-like)
  double correlation_px = 0.0;     // Gaussian std of the spatial correlation; 0 = white
  bool channel_shared = false;     // one noise field for all channels (luminance noise)
};

enum class BlurKind { gaussian, defocus, motion };
const char* blur_kind_name(BlurKind kind);

struct BlurFactors {
  BlurKind kind = BlurKind::gaussian;
  double extent_px = 2.0;   // twice the kernel's RMS radius
  double angle_deg = 0.0;   // principal direction (motion); unused by gaussian and defocus
  // The kernel, odd-sized square, rows top to bottom, summing to 1; convolved (not correlated)
  // with the image. Generated from the fields above and the step seed when empty.
  std::vector<float> kernel;
  int kernel_size = 0;
};

struct RainFactors {
  double coverage = 0.04;    // fraction of the image area under streaks (main factor)
  double length_px = 20.0;   // streak length of the nearest layer
  double width_px = 1.0;     // streak width of the nearest layer
  double angle_deg = 10.0;   // from vertical, positive leans right
  double brightness = 0.7;   // streak opacity 0-1
  double veil = 0.08;        // veiling brightening from out-of-focus drops, 0-1
  int layers = 2;            // depth layers, 1-3, each further layer thinner, shorter and denser
};

// I = J t + A (1 - t), t = exp(-beta d), d in [0, 1] from the depth proxy (docs/degradations.md).
struct HazeFactors {
  double density = 0.4;                     // 1 - exp(-beta / 2): haze at mid depth (main factor)
  std::array<double, 3> airlight = {0.85, 0.87, 0.9};
};

struct LowLightFactors {
  double exposure_ev = 2.0;                  // stops of under-exposure (main factor)
  double gamma = 1.0;                        // extra tone curve, out = in^gamma after exposure
  std::array<double, 3> color_gain = {1.0, 1.0, 1.0};  // white-balance cast
  double shot_noise = 0.002;                 // linear-domain shot-noise gain
  double read_noise = 0.002;                 // linear-domain read-noise std
};

struct JpegFactors {
  int quality = 50;  // 1-100, libjpeg quality through libvips, default chroma subsampling
};

// One alternative per row of the degradation table, in its order (index = DegradationType).
#define RIRF_DEGRADATION_FACTORS(name, factors) factors
using DegradationFactors = std::variant<RIRF_DEGRADATIONS(RIRF_DEGRADATION_FACTORS, RIRF_COMMA)>;

struct DegradationStep {
  DegradationType type = DegradationType::noise;
  DegradationFactors factors;
  std::uint64_t seed = 0;  // this step's random stream (noise realisation, streaks, trajectory)

  double main_factor() const;
  double severity() const { return severity_from_factor(type, main_factor()); }
  void validate() const;  // throws Error naming the bad field and value
};

struct DegradationPlan {
  std::vector<DegradationStep> steps;  // in application order
  void validate() const;
  bool has(DegradationType type) const;
};

// ---- blur kernels: the blur factor's physical meaning ------------------------------------------

// Fills factors.kernel / kernel_size from kind, extent and angle (motion trajectories are drawn
// from `seed`), then sets extent_px to the kernel's measured extent.
void generate_blur_kernel(BlurFactors& factors, std::uint64_t seed);
// Twice the RMS radius of a kernel about its centroid.
double kernel_extent(const std::vector<float>& kernel, int size);

// ---- JSON ------------------------------------------------------------------------------------

// {"schema": "rirf.plan/1", "steps": [{"type", "severity", "level", "seed", "factors"}]}
nlohmann::json plan_to_json(const DegradationPlan& plan);
// Validates and names the bad field: "plan.steps[1].factors.sigma: must be in [0, 75], got 90".
DegradationPlan plan_from_json(const nlohmann::json& json);
// One step's factors as the plan's JSON writes them.
nlohmann::json factors_to_json(const DegradationFactors& factors);

}  // namespace rirf

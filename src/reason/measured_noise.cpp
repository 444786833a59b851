#include "reason/measured_noise.hpp"

#include <algorithm>
#include <cmath>

#include "reason/evidence.hpp"

namespace rirf {
namespace {

bool only_noise_found(const Diagnosis& diagnosis) {
  for (const Finding& f : diagnosis.findings)
    if (f.present != (f.type == DegradationType::noise)) return false;
  return true;
}

}  // namespace

void adopt_measured_noise_sigma(Diagnosis& diagnosis, double measured_sigma) {
  if (!only_noise_found(diagnosis) || !(measured_sigma > 0)) return;
  Finding& noise = diagnosis.finding(DegradationType::noise);
  const char* key = main_factor_name(DegradationType::noise);
  if (!noise.factors.contains(key) || !noise.factors[key].is_number()) return;
  const double network_sigma = noise.factors[key].get<double>();
  if (std::abs(measured_sigma - network_sigma) > kMeasuredSigmaAgreement * network_sigma) return;
  noise.factors[key] = measured_sigma;
  noise.severity = std::clamp(severity_from_factor(DegradationType::noise, measured_sigma), 0.0, 100.0);
}

void refine_noise_sigma(Diagnosis& diagnosis, const at::Tensor& tiles) {
  if (only_noise_found(diagnosis)) adopt_measured_noise_sigma(diagnosis, evidence::midtone_noise_sigma(tiles));
}

}  // namespace rirf

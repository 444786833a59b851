// The reasoner: looks at an image and returns a Diagnosis. Backends: "diagnet" (the trained
// network, default) and "classical" (established estimators, no weights; a baseline and fallback).
#pragma once

#include <ATen/core/Tensor.h>

#include <memory>
#include <string>

#include "rirf/diagnosis.hpp"

namespace rirf {

class Reasoner {
 public:
  virtual ~Reasoner() = default;
  // image: [1, 3, H, W] float in [0, 1]. Fills findings, scene, plan and reasoning.
  virtual Diagnosis diagnose(const at::Tensor& image) = 0;
  virtual std::string name() const = 0;
};

std::unique_ptr<Reasoner> make_classical_reasoner();

}  // namespace rirf

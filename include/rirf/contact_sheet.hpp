// Before | after contact sheets: a picture of what a restoration did, one row per image.
#pragma once

#include <ATen/core/Tensor.h>

#include <vector>

namespace rirf {

// One row: the input and its restoration ([1, 3, H, W] each) side by side, 256 px tall, a white
// gap between.
at::Tensor before_after_row(const at::Tensor& before, const at::Tensor& after);
// The rows stacked on white, each padded to the widest: [1, 3, H, W].
at::Tensor stack_sheet_rows(const std::vector<at::Tensor>& rows);

}  // namespace rirf

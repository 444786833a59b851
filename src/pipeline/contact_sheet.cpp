// Before | after contact sheets (rirf restore --sheet).
#include <ATen/ATen.h>

#include <algorithm>

#include "rirf/contact_sheet.hpp"
#include "rirf/error.hpp"

namespace rirf {
namespace {

constexpr std::int64_t kSheetHeight = 256, kSheetGap = 8;  // px

// The image scaled to `height` px tall (area average when shrinking).
at::Tensor thumbnail(const at::Tensor& image, std::int64_t height) {
  const std::int64_t width = std::max<std::int64_t>(1, image.size(3) * height / image.size(2));
  return image.size(2) > height ? at::adaptive_avg_pool2d(image, {height, width})
                                : at::upsample_bilinear2d(image, {height, width}, false);
}

}  // namespace

at::Tensor before_after_row(const at::Tensor& before, const at::Tensor& after) {
  return at::cat({thumbnail(before, kSheetHeight), at::ones({1, 3, kSheetHeight, kSheetGap}),
                  thumbnail(after, kSheetHeight)},
                 3);
}

at::Tensor stack_sheet_rows(const std::vector<at::Tensor>& rows) {
  check(!rows.empty(), "contact sheet: no rows");
  std::int64_t width = 0;
  for (const auto& row : rows) width = std::max(width, row.size(3));
  std::vector<at::Tensor> padded;
  for (const auto& row : rows) padded.push_back(at::constant_pad_nd(row, {0, width - row.size(3), 0, kSheetGap}, 1.0));
  return at::cat(padded, 2).contiguous();
}

}  // namespace rirf

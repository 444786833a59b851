#!/usr/bin/python3
"""Reference PSNR/SSIM for tests/test_eval_metrics.cpp, computed independently with
scikit-image 0.19 (Debian 12 package python3-skimage). Prints the C++ table to paste.

Run: /usr/bin/python3 tests/golden/make_metrics_golden.py tests/data/golden
"""
import sys
from pathlib import Path

import numpy as np
import skimage
from skimage import io
from skimage.color import rgb2ycbcr
from skimage.metrics import peak_signal_noise_ratio, structural_similarity


def y_of(rgb):  # BT.601 luma in [16/255, 235/255], as rirf::rgb_to_y
    return rgb2ycbcr(rgb)[..., 0] / 255.0


def metrics(pred, gt, y=False, crop=0, gaussian=False):
    if y:
        pred, gt = y_of(pred), y_of(gt)
    if crop:
        pred, gt = pred[crop:-crop, crop:-crop], gt[crop:-crop, crop:-crop]
    channel_axis = None if y else -1
    psnr = peak_signal_noise_ratio(gt, pred, data_range=1.0)
    kwargs = dict(gaussian_weights=True, sigma=1.5, use_sample_covariance=False) if gaussian else {}
    ssim = structural_similarity(gt, pred, data_range=1.0, channel_axis=channel_axis, **kwargs)
    return psnr, ssim


def main():
    folder = Path(sys.argv[1])
    print(f"// scikit-image {skimage.__version__}")
    for clean in sorted(folder.glob("*_clean.png")):
        degraded = clean.with_name(clean.name.replace("_clean", "_degraded"))
        gt = io.imread(clean).astype(np.float64) / 255.0
        pred = io.imread(degraded).astype(np.float64) / 255.0
        for y, crop, gaussian in [(False, 0, False), (False, 0, True), (True, 0, False), (False, 4, False)]:
            psnr, ssim = metrics(pred, gt, y, crop, gaussian)
            print(f'    {{"{clean.name[:2]}", {str(y).lower()}, {crop}, {str(gaussian).lower()}, {psnr:.8f}, {ssim:.8f}}},')


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""The classical reference for bench_restorer: OpenCV's non-local means (Debian's python3-opencv),
run on the degraded inputs that `bench_restorer --write-inputs IN` wrote.

    bench/classical_restore.py IN OUT [--factor 0.8]

IN/<suite>/<set>/<name>.png -> OUT/<suite>/<set>/<name>.png. NLM removes noise only; it is run on
every suite so that the table shows what a noise filter does to rain, haze, blur and the rest.
Its strength h is `factor` x sigma (0-255): the suite's true sigma for the denoise-N suites (an
oracle, as NLM is usually reported), else sigma estimated from the image (Immerkaer 1996). The
factor was chosen on training photos, not on the benchmark's images (see docs/notebook/restorer.md).
"""
import os
import sys

import cv2
import numpy as np


def immerkaer_sigma(rgb):
    """Noise sigma (0-255) of an 8-bit image from its Laplacian-like high-pass (Immerkaer 1996)."""
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float64)
    mask = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float64)
    response = cv2.filter2D(gray, -1, mask, borderType=cv2.BORDER_REFLECT)[1:-1, 1:-1]
    h, w = response.shape
    return float(np.sqrt(np.pi / 2) * np.abs(response).sum() / (6.0 * h * w))


def nlm(rgb, sigma, factor):
    h = max(1.0, factor * sigma)
    # OpenCV works in BGR; h filters luminance, hColor the chroma (same strength here).
    bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
    out = cv2.fastNlMeansDenoisingColored(bgr, None, h, h, 7, 21)
    return cv2.cvtColor(out, cv2.COLOR_BGR2RGB)


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[3].strip(), file=sys.stderr)
        return 2
    src, dst = argv[1], argv[2]
    factor = float(argv[argv.index("--factor") + 1]) if "--factor" in argv else 0.8
    count = 0
    for suite in sorted(os.listdir(src)):
        known = float(suite.split("-")[1]) if suite.startswith("denoise-") else None
        for set_name in sorted(os.listdir(os.path.join(src, suite))):
            folder = os.path.join(src, suite, set_name)
            out_folder = os.path.join(dst, suite, set_name)
            os.makedirs(out_folder, exist_ok=True)
            for name in sorted(os.listdir(folder)):
                rgb = cv2.cvtColor(cv2.imread(os.path.join(folder, name), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
                sigma = known if known is not None else immerkaer_sigma(rgb)
                out = nlm(rgb, sigma, factor)
                cv2.imwrite(os.path.join(out_folder, name), cv2.cvtColor(out, cv2.COLOR_RGB2BGR))
                count += 1
    print("classical_restore: %d images, OpenCV %s fastNlMeansDenoisingColored, h = %.2f x sigma"
          % (count, cv2.__version__, factor))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
"""PIL's bicubic resize of a committed screenshot, the reference for guinav's image preprocessing.

transformers' SigLIP image processor (the PIL path) converts to RGB and resizes with
Image.resize((w, h), Image.BICUBIC) before rescaling and normalising. This writes the resized
RGB bytes ([h, w, 3], row-major) of test-fixtures/worlds/mini/images/page_3.png at 32 x 32 and
64 x 48 to test-fixtures/pil-bicubic/. Needs Pillow (Debian python3-pil). Run from the
repository root:  python3 tools/golden/pil_resize_golden.py
"""
import os

from PIL import Image

SOURCE = os.path.join("test-fixtures", "worlds", "mini", "images", "page_3.png")
OUT = os.path.join("test-fixtures", "pil-bicubic")

img = Image.open(SOURCE).convert("RGB")
os.makedirs(OUT, exist_ok=True)
for w, h in ((32, 32), (64, 48)):
    path = os.path.join(OUT, f"page_3-{w}x{h}.rgb")
    with open(path, "wb") as f:
        f.write(img.resize((w, h), Image.BICUBIC).tobytes())
    print(f"wrote {path} (Pillow {Image.__version__})")

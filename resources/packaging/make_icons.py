"""The app's icons, drawn from resources/icons/newsmark.svg (the one source):

    python resources/packaging/make_icons.py OUTDIR

writes OUTDIR/16.png ... 512.png (Linux menus), newsmark.ico (Windows: 16-256 px in one file)
and newsmark.icns (macOS: 16-512 px).  Qt (QtSvg) draws; Pillow writes .ico and .icns.  Used by
build.spec on Windows and macOS and by .ci/package-linux; not part of the app.
"""

from __future__ import annotations

import sys
from pathlib import Path

SVG = Path(__file__).resolve().parents[1] / "icons" / "newsmark.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(outdir: Path, svg: Path = SVG) -> dict[str, Path]:
    """Write the PNGs, the .ico and the .icns into ``outdir``; returns their paths by name."""
    import io

    from PIL import Image
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(["make_icons", "-platform", "offscreen"])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg}: not a valid SVG")
    outdir.mkdir(parents=True, exist_ok=True)
    made: dict[str, Path] = {}
    for size in PNG_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        made[f"{size}.png"] = outdir / f"{size}.png"
        if not image.save(str(made[f"{size}.png"])):
            raise OSError(f"cannot write {made[f'{size}.png']}")
    del _app
    images = {size: Image.open(made[f"{size}.png"]) for size in PNG_SIZES}
    try:
        for image in images.values():
            image.load()
        # each size drawn by Qt at that size (crisper than Pillow scaling the big one down)
        made["newsmark.ico"] = outdir / "newsmark.ico"
        images[256].save(made["newsmark.ico"], format="ICO", sizes=[(s, s) for s in ICO_SIZES],
                         append_images=[images[s] for s in ICO_SIZES[:-1]])
        made["newsmark.icns"] = outdir / "newsmark.icns"
        buf = io.BytesIO()
        images[512].save(buf, format="ICNS", append_images=[images[s] for s in (16, 32, 64, 128, 256)])
        made["newsmark.icns"].write_bytes(buf.getvalue())
    finally:
        for image in images.values():
            image.close()
    return made


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    for path in render(Path(sys.argv[1])).values():
        print(path)

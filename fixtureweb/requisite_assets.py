"""Writes the binary page requisites of the fixture web (images, icons, a font).

They are real files of their formats (PNG, GIF, JPEG, WebP, ICO, WOFF), tiny and synthetic,
made by this script and committed; nothing runs it at test time. To make them again (the
output is the same bytes for the same Pillow and fontTools versions)::

    python3 -m venv /tmp/assets && /tmp/assets/bin/pip install pillow fonttools
    /tmp/assets/bin/python -m fixtureweb.requisite_assets

The stylesheets and the SVG beside them are plain text, written by hand. Each host's
``SOURCES.md`` lists its files.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

WEB = Path(__file__).resolve().parent / "web"

#: RGB colours of the fixture images (not meaningful, only distinct)
RED = (176, 22, 43)
BLUE = (32, 64, 160)
SAND = (253, 246, 227)
GREY = (120, 120, 120)


def _image(size: tuple[int, int], colours: list[tuple[int, int, int]], fmt: str,
           **save: object) -> bytes:
    """Vertical stripes of ``colours``, saved as ``fmt``."""
    from PIL import Image

    image = Image.new("RGB", size, colours[0])
    width = max(1, size[0] // len(colours))
    for i, colour in enumerate(colours):
        for x in range(i * width, min(size[0], (i + 1) * width)):
            for y in range(size[1]):
                image.putpixel((x, y), colour)
    if fmt == "GIF":
        image = image.convert("P")
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def _png(size: tuple[int, int], colours: list[tuple[int, int, int]]) -> Callable[[], bytes]:
    return lambda: _image(size, colours, "PNG", optimize=True)


def _gif(size: tuple[int, int], colours: list[tuple[int, int, int]]) -> Callable[[], bytes]:
    return lambda: _image(size, colours, "GIF")


def _jpeg(size: tuple[int, int], colours: list[tuple[int, int, int]]) -> Callable[[], bytes]:
    return lambda: _image(size, colours, "JPEG", quality=60)


def _webp(size: tuple[int, int], colours: list[tuple[int, int, int]]) -> Callable[[], bytes]:
    return lambda: _image(size, colours, "WEBP", quality=60)


def _ico(colours: list[tuple[int, int, int]]) -> Callable[[], bytes]:
    return lambda: _image((16, 16), colours, "ICO", sizes=[(16, 16)])


def _woff() -> bytes:
    """A font with four glyphs (N, W, J as boxes, and a space), family ``NWJ Fixture``."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    def box() -> object:
        pen = TTGlyphPen(None)
        pen.moveTo((50, 0))
        pen.lineTo((50, 700))
        pen.lineTo((550, 700))
        pen.lineTo((550, 0))
        pen.closePath()
        return pen.glyph()

    names = [".notdef", "space", "N", "W", "J"]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({0x20: "space", ord("N"): "N", ord("W"): "W", ord("J"): "J"})
    empty = TTGlyphPen(None).glyph()
    builder.setupGlyf({".notdef": box(), "space": empty, "N": box(), "W": box(), "J": box()})
    builder.setupHorizontalMetrics({name: (600, 50) for name in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "NWJ Fixture", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    builder.updateHead(created=0, modified=0)
    font = builder.font
    font.flavor = "woff"
    out = io.BytesIO()
    font.save(out, reorderTables=True)
    return out.getvalue()


#: file under fixtureweb/web -> how its bytes are made
ASSETS: dict[str, Callable[[], bytes]] = {
    # www.newsweekjapan.jp: the header background and logo of its stylesheet and pages
    "www.newsweekjapan.jp/images/header/bg.png": _png((4, 4), [RED, SAND]),
    "www.newsweekjapan.jp/images/header/logo.gif": _gif((12, 4), [RED, GREY, RED]),
    "www.newsweekjapan.jp/favicon.ico": _ico([RED, SAND]),
    "www.newsweekjapan.jp/fonts/nwj-fixture.woff": _woff,
    # img-newsweekjapan.jp: the article photo and the magazine cover (JPEG, 2x JPEG, WebP)
    "img-newsweekjapan.jp/reizei/assets_c/2024/01/rei240131-pic-thumb-720xauto-1048149.jpg":
        _jpeg((16, 9), [BLUE, GREY]),
    "img-newsweekjapan.jp/reizei/img/blogThum.jpg": _jpeg((8, 8), [GREY, SAND]),
    "img-newsweekjapan.jp/magazine/images/cover_20251202.jpg": _jpeg((6, 8), [RED, BLUE]),
    "img-newsweekjapan.jp/magazine/images/cover_20251202@2x.jpg": _jpeg((12, 16), [RED, BLUE]),
    "img-newsweekjapan.jp/magazine/images/cover_20251202.webp": _webp((6, 8), [RED, BLUE]),
    # www.asyura2.com: the background of its stylesheet
    "www.asyura2.com/img/asyura-bg.gif": _gif((8, 2), [SAND, GREY]),
    # rt.com: the photo of the 2013 article, which the asyura post shows too
    "rt.com/files/news/26/6e/30/00/russia-japan-first-talks.si.jpg": _jpeg((16, 9), [GREY, BLUE]),
    # www.rt.com / en.russiatoday.com / cdni.russiatoday.com: the 2022 article's requisites
    "www.rt.com/favicon.ico": _ico([(119, 179, 0), GREY]),
    "www.rt.com/static/img/telegram_banners/telegram_gif.gif": _gif((10, 4), [BLUE, SAND]),
    "en.russiatoday.com/static/img/header-bg.png": _png((4, 4), [(119, 179, 0), GREY]),
    "cdni.russiatoday.com/files/2022.10/xxs/634457ff20302743c73b7b84.jpg":
        _jpeg((16, 9), [GREY, RED]),
}


def main() -> None:
    for relpath, make in ASSETS.items():
        path = WEB / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        data = make()
        path.write_bytes(data)
        print(f"{len(data):6d} {relpath}")


if __name__ == "__main__":
    main()

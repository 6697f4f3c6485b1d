"""Tiny trend lines as inline SVG images: no plotting library, nothing to load, an alt text
that states the trend in words."""

from __future__ import annotations

from urllib.parse import quote

from dash import html


def sparkline(points: list[tuple[int, float]], alt: str, width: int = 120, height: int = 32,
              color: str = "#1f4e79") -> html.Img:
    if len(points) < 2:
        return html.Img(alt=alt, src="data:image/svg+xml," + quote(
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"/>'))
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    x0, x1 = min(xs), max(xs)
    y0, y1 = min(ys), max(ys)
    span_y = (y1 - y0) or 1.0
    pad = 3

    def sx(x: float) -> float:
        return pad + (x - x0) / ((x1 - x0) or 1) * (width - 2 * pad)

    def sy(y: float) -> float:
        return height - pad - (y - y0) / span_y * (height - 2 * pad)

    path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in points)
    last_x, last_y = sx(xs[-1]), sy(ys[-1])
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}"><polyline fill="none" stroke="{color}" stroke-width="2" '
           f'stroke-linejoin="round" points="{path}"/><circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="3" '
           f'fill="{color}"/></svg>')
    return html.Img(src="data:image/svg+xml," + quote(svg), alt=alt, width=width, height=height,
                    className="sparkline")

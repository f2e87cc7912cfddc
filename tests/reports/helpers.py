"""Reading the SVG that the charts and maps produce."""

from __future__ import annotations

import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))  # noqa: S314 - our own output


def child(element: ET.Element, tag: str) -> ET.Element:
    """The first child with this SVG tag (failing the test if there is none)."""
    found = element.find(f"{SVG}{tag}")
    assert found is not None, f"no <{tag}> in <{element.tag}>"
    return found


def child_text(element: ET.Element, tag: str) -> str:
    return child(element, tag).text or ""


def texts(root: ET.Element) -> list[str]:
    """The visible texts: every <text> with its <tspan>s joined."""
    return ["".join(element.itertext()).strip() for element in root.iter(f"{SVG}text")]


def view_box(root: ET.Element) -> tuple[float, float, float, float]:
    x, y, width, height = (float(v) for v in root.attrib["viewBox"].split())
    return x, y, width, height


def path_points(d: str) -> list[tuple[float, float]]:
    numbers = [float(n) for n in d.replace("M", " ").replace("L", " ").replace("Z", " ").split()]
    return list(zip(numbers[0::2], numbers[1::2], strict=True))

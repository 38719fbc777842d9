"""The toy world: 64x64 pictures of one flat shape on a flat background, and captions that describe them.

Everything is deterministic from a seed. The constants (palette, sizes, the 3x3 grid of positions and the
phrases for them) live in world.json, which the test suite's image analyser reads too.

A scene holds a list of shapes so a second shape can be added later; captions describe one shape today.
"""
import json
import os
import re
from dataclasses import dataclass, field

import numpy as np

WORLD = json.load(open(os.path.join(os.path.dirname(__file__), "world.json")))
SIZE = WORLD["imageSize"]
COLOURS = list(WORLD["colours"].keys())
SHAPES = WORLD["shapes"]  # what the base model was trained on
NOVEL_SHAPES = WORLD["novelShapes"]  # drawn only when asked (the LoRA's concept): not in SHAPES, the data or the vocabulary
SIZES = list(WORLD["sizes"].keys())
POSITIONS = list(WORLD["positions"].keys())
SUPERSAMPLE = 4  # render at 4x and average, so edges are anti-aliased like a real picture

# Caption templates. Each names every attribute, in varied order and phrasing.
TEMPLATES = [
    "a {size} {colour} {shape} {position} on a {background} background",
    "{background} background, {size} {colour} {shape}, {position}",
    "{size} {colour} {shape} {position}, {background} background",
    "a {size} {colour} {shape} {position}, {background} background",
    "a {colour} {shape}, {size}, {position}, {background} background",
    "{position}, a {size} {colour} {shape} against a {background} background",
    "a {background} background with a {size} {colour} {shape} {position}",
    "{size} {colour} {shape} on {background}, {position}",
]


@dataclass
class Shape:
    kind: str
    colour: str
    size: str
    position: str
    # Exact centre (of the shape's centroid) and extent in pixels, after jitter.
    cx: float = 0.0
    cy: float = 0.0
    extent: float = 0.0
    rgb: tuple = (0, 0, 0)


@dataclass
class Scene:
    background: str
    background_rgb: tuple
    shapes: list = field(default_factory=list)


def _jittered(rng, name):
    base = np.array(WORLD["colours"][name], dtype=np.float64)
    j = WORLD["colourJitter"]
    return tuple(np.clip(base + rng.uniform(-j, j, 3), 0, 255))


def random_scene(rng: np.random.Generator, shapes: list = SHAPES) -> Scene:
    """shapes: the kinds to draw from (the same random draws whatever the list, so the base data is unchanged)."""
    background = COLOURS[rng.integers(len(COLOURS))]
    colour = background
    while colour == background:
        colour = COLOURS[rng.integers(len(COLOURS))]
    kind = shapes[rng.integers(len(shapes))]
    size = SIZES[rng.integers(len(SIZES))]
    position = POSITIONS[rng.integers(len(POSITIONS))]
    return scene_of(rng, background=background, kind=kind, colour=colour, size=size, position=position)


def scene_of(rng: np.random.Generator, background: str, kind: str, colour: str, size: str, position: str) -> Scene:
    """The scene with these attributes, jittered like the training data (e.g. the one an embedding stands for)."""
    shape = Shape(kind=kind, colour=colour, size=size, position=position)
    gx, gy = WORLD["positions"][shape.position]
    pj = WORLD["positionJitter"]
    shape.cx = WORLD["anchors"][gx] + rng.uniform(-pj, pj)
    shape.cy = WORLD["anchors"][gy] + rng.uniform(-pj, pj)
    shape.extent = WORLD["sizes"][shape.size] + rng.uniform(-1, 1)
    shape.rgb = _jittered(rng, colour)
    return Scene(background=background, background_rgb=_jittered(rng, background), shapes=[shape])


def _coverage(shape: Shape, size: int = SIZE) -> np.ndarray:
    """Fraction of each pixel of a size x size picture the shape covers, from a supersampled inside test. The
    scene lives on the world's 64x64 canvas; at another size the inside test runs on that canvas at the finer
    pixel pitch, so a 128x128 picture is the same scene scaled 2x (sizes, places and their jitter)."""
    n = size * SUPERSAMPLE
    coords = (np.arange(n) + 0.5) / SUPERSAMPLE * (SIZE / size)
    x, y = np.meshgrid(coords, coords)
    h = shape.extent
    if shape.kind == "circle":
        inside = (x - shape.cx) ** 2 + (y - shape.cy) ** 2 <= (h / 2) ** 2
    elif shape.kind == "square":
        inside = (np.abs(x - shape.cx) <= h / 2) & (np.abs(y - shape.cy) <= h / 2)
    elif shape.kind == "triangle":
        # Apex up, base as wide as it is tall; placed by its centroid (2/3 of the way down from the apex).
        top = shape.cy - 2 * h / 3
        half_width = (y - top) / h * (h / 2)
        inside = (y >= top) & (y <= top + h) & (np.abs(x - shape.cx) <= half_width)
    elif shape.kind == "bar":
        # A horizontal bar as wide as the other shapes are tall and barThickness as thick: what sets it apart is
        # its proportions, which survive the VAE (a diamond's tips did not: the decoder rounds them).
        inside = (np.abs(x - shape.cx) <= h / 2) & (np.abs(y - shape.cy) <= h * WORLD["barThickness"] / 2)
    else:
        raise ValueError(f"unknown shape {shape.kind}")
    return inside.reshape(size, SUPERSAMPLE, size, SUPERSAMPLE).mean(axis=(1, 3))


def render(scene: Scene, size: int = SIZE) -> np.ndarray:
    """The scene as float32 RGB in [0, 1], shape [size, size, 3]: 64x64 by default (what the base model was
    trained on); size 128 draws the same scene 2x (the multi-size variant's data, train_hires.py)."""
    image = np.empty((size, size, 3), dtype=np.float64)
    image[:] = np.array(scene.background_rgb) / 255.0
    for shape in scene.shapes:
        alpha = _coverage(shape, size)[..., None]
        image = image * (1 - alpha) + alpha * (np.array(shape.rgb) / 255.0)
    return image.astype(np.float32)


def caption(scene: Scene, rng: np.random.Generator) -> str:
    shape = scene.shapes[0]
    phrases = WORLD["phrases"]
    template = TEMPLATES[rng.integers(len(TEMPLATES))]
    size_words = phrases["size"][shape.size]
    position_words = phrases["position"][shape.position]
    return template.format(
        size=size_words[rng.integers(len(size_words))],
        colour=shape.colour,
        shape=shape.kind,
        position=position_words[rng.integers(len(position_words))],
        background=scene.background,
    )


def vocabulary() -> list:
    """Every word a caption can contain, for the tokenizer."""
    text = " ".join(TEMPLATES) + " " + " ".join(COLOURS + SHAPES)
    for group in WORLD["phrases"].values():
        for words in group.values():
            text += " " + " ".join(words)
    text = re.sub(r"\{\w+\}", " ", text)
    return sorted(set(re.findall(r"[a-z]+", text.lower())))


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    for _ in range(8):
        s = random_scene(rng)
        print(caption(s, rng), "|", s.shapes[0])
    print(vocabulary())

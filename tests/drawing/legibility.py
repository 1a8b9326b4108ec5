"""What makes a picture legible, measured on the drawn matplotlib figure (after a draw): no
two texts overlap, no text covers a neuron it does not name, and everything is inside the
figure."""

import numpy as np


def _circle_hits_box(centre, radius, box):
    x = np.clip(centre[0], box.x0, box.x1)
    y = np.clip(centre[1], box.y0, box.y1)
    return np.hypot(x - centre[0], y - centre[1]) < radius - 0.5  # half a pixel: antialiasing


def problems(ax):
    """Every legibility fault of the picture on `ax`, as readable strings (none: legible)."""
    figure = ax.figure
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    inside = figure.bbox.padded(0.5)
    found = []
    texts = [t for t in ax.texts if t.get_text().strip() and t.get_visible()]
    boxes = [(t.get_gid() or t.get_text(), t.get_window_extent(renderer)) for t in texts]
    for k, (name, box) in enumerate(boxes):
        for other, second in boxes[k + 1:]:
            if box.overlaps(second) and box.intersection(box, second).width > 0.5 \
                    and box.intersection(box, second).height > 0.5:
                found.append(f"text {name} overlaps text {other}")
    neurons = [p for p in ax.patches if (p.get_gid() or "").startswith("neuron:")]
    for patch in neurons:
        j = patch.get_gid().split(":")[1]
        centre = ax.transData.transform(patch.center)
        radius = ax.transData.transform((patch.center[0] + patch.radius, patch.center[1]))[0] \
            - centre[0]
        for name, box in boxes:
            if name != f"id:{j}" and _circle_hits_box(centre, radius, box):
                found.append(f"text {name} covers neuron {j}")
    for artist in [*ax.patches, *ax.texts, *ax.collections, *ax.lines]:
        if not artist.get_visible():
            continue
        box = artist.get_window_extent(renderer)
        if box.width > 0 and not (inside.contains(box.x0, box.y0)
                                  and inside.contains(box.x1, box.y1)):
            found.append(f"{artist.get_gid() or artist} lies outside the figure")
    if ax.title.get_text():
        box = ax.title.get_window_extent(renderer)
        if not (inside.contains(box.x0, box.y0) and inside.contains(box.x1, box.y1)):
            found.append("the title lies outside the figure")
    return found

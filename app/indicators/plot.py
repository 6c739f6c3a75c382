"""The delays as a small inline SVG: a distribution reads better as a picture than as a table."""

from __future__ import annotations

import io
from collections.abc import Sequence


def delays_svg(days_to_completion: Sequence[float], days_to_shortlist: Sequence[float]) -> str | None:
    """Histograms of the two delays (in days) on one axis, or None when there is nothing to draw.

    The SVG holds only our own labels and counts (no candidate data), so it can be inlined as it is.
    """
    if not days_to_completion and not days_to_shortlist:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    values = [*days_to_completion, *days_to_shortlist]
    top = max(1.0, max(values))
    bins = [top * i / 20 for i in range(21)]
    figure, axis = plt.subplots(figsize=(7, 3))
    axis.hist(days_to_completion, bins=bins, alpha=0.6, color="#0b4f9c", label="invitation → évaluation terminée")
    axis.hist(days_to_shortlist, bins=bins, alpha=0.6, color="#b35c00", label="invitation → liste de candidats")
    axis.set_xlabel("jours")
    axis.set_ylabel("sessions")
    axis.legend(loc="upper right", fontsize="small")
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(figure)
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]

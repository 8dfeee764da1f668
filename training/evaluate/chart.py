"""The PNG chart of an evaluation: similarity with its 95% interval next to the restatement
rate, per system (similarity alone flatters systems that echo names)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def write_chart(summaries: list[dict[str, Any]], path: Path, title: str) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [s["system"] for s in summaries]
    sims = [s["similarity"] for s in summaries]
    low = [s["similarity"] - s["similarity_ci95"][0] for s in summaries]
    high = [s["similarity_ci95"][1] - s["similarity"] for s in summaries]
    restated = [s["restatement_rate"] for s in summaries]
    positions = list(range(len(names)))
    width = 0.38
    fig, ax = plt.subplots(figsize=(max(6.0, 1.6 * len(names) + 2), 4.2), dpi=110)
    bars = ax.bar([p - width / 2 for p in positions], sims, width, yerr=[low, high], capsize=4,
                  label="MiniLM similarity (95% CI)", color="#3b6ea8")  # fmt: skip
    rest = ax.bar([p + width / 2 for p in positions], restated, width, label="restated comments", color="#d08c3a")
    # Labels sit above the error bar, not on it.
    tops = [s["similarity_ci95"][1] for s in summaries] + restated
    for bar, value, top in zip([*bars, *rest], [*sims, *restated], tops, strict=True):
        ax.annotate(f"{value:.2f}", (bar.get_x() + bar.get_width() / 2, top), ha="center",
                    va="bottom", fontsize=8, xytext=(0, 2), textcoords="offset points")  # fmt: skip
    ax.set_xticks(positions, names, rotation=15, ha="right", fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("share / similarity")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, loc="upper right")
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path

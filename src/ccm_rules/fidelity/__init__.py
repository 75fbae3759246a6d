"""Program fidelity: DACTS scoring of an ACT/ICM program against its published anchors."""

from ..engine import Area, register_area
from ._dacts import (
    DactsDoc,
    DactsExplanation,
    FidelityResult,
    dacts_scale,
    explain_dacts,
    locate_figure_errors,
    read_program,
    render_dacts_text,
    score_dacts,
)

AREA = register_area(
    Area(
        name="fidelity",
        title="DACTS program fidelity",
        kinds={"dacts": DactsDoc},
        pack_checks={"dacts": dacts_scale},
    )
)
"""This area, as the engine's registry knows it (entry point `ccm_rules.areas`)."""

__all__ = [
    "AREA",
    "DactsExplanation",
    "FidelityResult",
    "dacts_scale",
    "explain_dacts",
    "locate_figure_errors",
    "read_program",
    "render_dacts_text",
    "score_dacts",
]

"""Models of the impact monitor, one module per part:

- registrations: registers, aggregated registration counts, external (published) estimates,
  and the explicit link between registrations and an estimate for the detection rate;
- estimation: overlap datasets (capture-history tables) and estimation runs with results;
- publication: the analyst's proposals and the programme team's decisions;
- snapshot: the stored public tables and charts (derived, rebuilt when the figures change).
"""

from .estimation import EstimationRun, OverlapDataset
from .publication import PublicationProposal, UnpublishedAccess
from .registrations import DetectionLink, ExternalEstimate, Gender, Register, Registration
from .snapshot import PublicSnapshot

__all__ = [
    "DetectionLink",
    "EstimationRun",
    "ExternalEstimate",
    "Gender",
    "OverlapDataset",
    "PublicSnapshot",
    "PublicationProposal",
    "Register",
    "Registration",
    "UnpublishedAccess",
]

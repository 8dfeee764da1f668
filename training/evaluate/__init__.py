"""Automatic evaluation of documentation systems on cases with reference documentation."""

from training.evaluate.cases import Case, load_cases
from training.evaluate.metrics import Embedder, is_restatement, rouge_l
from training.evaluate.run import CaseResult, Report, evaluate

__all__ = ["Case", "CaseResult", "Embedder", "Report", "evaluate", "is_restatement", "load_cases", "rouge_l"]

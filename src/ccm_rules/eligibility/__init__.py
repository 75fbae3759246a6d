"""Eligibility: does this person need case management (seed 001) or labour-market CM (seed 002)?"""

from ..engine import Area, register_area
from ._eligibility import EligibilityFacts, LabourMarketFacts, assess_eligibility, assess_labour_market
from ._interview import (
    NOT_KNOWN_YET,
    AnswerType,
    Choice,
    Interview,
    InterviewQuestion,
    InterviewState,
    Screen,
    deciding_questions,
    eligibility_interview,
    interview,
    interview_question,
    known_facts,
    labour_market_interview,
    record_answers,
)

AREA = register_area(
    Area(
        name="eligibility",
        title="Eligibility for case management (seed 001) and labour-market CM (seed 002)",
    )
)
"""This area, as the engine's registry knows it (entry point `ccm_rules.areas`)."""

__all__ = [
    "AREA",
    "NOT_KNOWN_YET",
    "AnswerType",
    "Choice",
    "EligibilityFacts",
    "Interview",
    "InterviewQuestion",
    "InterviewState",
    "LabourMarketFacts",
    "Screen",
    "assess_eligibility",
    "assess_labour_market",
    "deciding_questions",
    "eligibility_interview",
    "interview",
    "interview_question",
    "known_facts",
    "labour_market_interview",
    "record_answers",
]

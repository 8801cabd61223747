"""Language-model helpers shared by the training-log import and reconcile: see `extract.llm_extract`."""

from ingest.llm.client import LLMUnavailable, llm_client
from ingest.llm.extract import llm_extract, number_in_text, numbers_all_in_text, schema_errors, words_in_text

__all__ = [
    "LLMUnavailable",
    "llm_client",
    "llm_extract",
    "number_in_text",
    "numbers_all_in_text",
    "schema_errors",
    "words_in_text",
]

"""The optional LLM backend: any OpenAI-compatible chat endpoint through langchain-openai."""
from .openai_compat import make_chat_model

__all__ = ["make_chat_model"]

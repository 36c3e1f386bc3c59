"""One process: the JSON API under /api and the Gradio UI at /, served by uvicorn."""
from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from rag.config import Settings  # noqa: E402

# Bursts wait in Gradio's queue instead of failing; a few answers run at once (2 cores here).
CONCURRENCY = 4
QUEUE_SIZE = 256


def build_app(settings: Settings):
    import gradio as gr

    from rag.api import create_app
    from rag.pipeline import Assistant

    from .app import build_demo, theme
    from .assets import CSS, JS

    assistant = Assistant(settings)
    assistant.warm_up()
    app = create_app(assistant)
    demo = build_demo(assistant)
    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
    return gr.mount_gradio_app(app, demo, path="", footer_links=["api"], ssr_mode=False, pwa=False,
                               enable_monitoring=False, mcp_server=False, theme=theme(), css=CSS, head=JS,
                               favicon_path=None)


def run(settings: Settings, host: str = "127.0.0.1", port: int = 7860) -> None:
    import uvicorn

    app = build_app(settings)
    print(f"Selvhjelp: http://{host}:{port}/  (API docs: http://{host}:{port}/api/docs)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=5)

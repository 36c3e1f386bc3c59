"""The Gradio UI: a streaming chat with clickable citations, «Begreper» and «Om».

It receives the Assistant (the facade) and renders everything through ui/render.py, which
escapes all user and corpus text. Analytics are off and the theme uses system fonts only.
"""
from __future__ import annotations

import logging
import os
import uuid
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402

from rag.errors import SelvhjelpError  # noqa: E402
from rag.safety import crisis_notice  # noqa: E402
from rag.terms import KEY_TERMS, TermFinder  # noqa: E402

from . import render  # noqa: E402
from .strings import EXAMPLES, t  # noqa: E402

log = logging.getLogger(__name__)

FILTERS = {"all": None, "anthology": {"source": "anthology"}, "sn": {"source": "sn"}}
MAX_TURNS = 20  # keep a long conversation from growing the page without bound


def theme() -> gr.themes.Base:
    # System fonts only: the default theme would fetch Google Fonts at run time.
    return gr.themes.Default(font=[gr.themes.Font("system-ui"), "sans-serif"],
                             font_mono=[gr.themes.Font("ui-monospace"), "monospace"])


def _filter_choices(lang: str) -> list[tuple[str, str]]:
    return [(t("filter_all", lang), "all"), (t("filter_anthology", lang), "anthology"), (t("filter_sn", lang), "sn")]


def _history(turns: list[dict]) -> list[dict]:
    out = []
    for turn in turns:
        if turn.get("answer"):
            out += [{"role": "user", "content": turn["question"]},
                    {"role": "assistant", "content": turn["answer"]["answer"]}]
    return out[-12:]


def build_demo(assistant) -> gr.Blocks:
    settings = assistant.settings
    terms = TermFinder(lambda q, k: assistant.search(q, k=k).hits)

    def respond(question: str, turns: list[dict], lang: str, source: str):
        question = (question or "").strip()
        if not question:
            yield gr.skip(), turns, gr.skip()
            return
        turns = list(turns or [])[-(MAX_TURNS - 1):]
        turn: dict[str, Any] = {"question": question[: settings.max_question_chars + 100],
                                "qid": uuid.uuid4().hex[:12], "answer": None, "partial": ""}
        try:
            turn["notice"] = crisis_notice(question, "en" if lang == "en" else "nb", settings.prompts_dir)
        except Exception:  # noqa: BLE001 - the final answer carries the notice anyway
            turn["notice"] = None
        history = _history(turns)
        turns.append(turn)
        yield render.chat_html(turns, lang), turns, ""
        try:
            for item in assistant.stream(question, history, FILTERS.get(source), turn["qid"]):
                if isinstance(item, str):
                    turn["partial"] += item
                    yield render.chat_html(turns, lang), turns, gr.skip()
                else:
                    turn["answer"] = item.to_dict()
                    turn["question"] = item.question
        except SelvhjelpError as e:
            turn["error"] = str(e)
        except Exception:  # noqa: BLE001 - never a stack trace for users
            log.exception("answer failed")
            turn["error"] = t("error", lang)
        turn.pop("partial", None)
        yield render.chat_html(turns, lang), turns, gr.skip()

    def show_term(term: str, lang: str) -> str:
        term = " ".join((term or "").split())[:80]
        if not term:
            return ""
        try:
            return render.terms_html(term, terms.definitions(term, 5), lang)
        except SelvhjelpError as e:
            return f'<p class="sh-error">{render.esc(e)}</p>'
        except Exception:  # noqa: BLE001
            log.exception("terms failed")
            return f'<p class="sh-error">{render.esc(t("error", lang))}</p>'

    def ask_api(question: str, source: str = "all") -> dict:
        """Answer a question from the sources; the same JSON as POST /api/ask."""
        return assistant.ask(question, None, FILTERS.get(source), uuid.uuid4().hex[:12]).to_dict()

    with gr.Blocks(title="Selvhjelpsassistenten", analytics_enabled=False) as demo:
        lang = gr.State("nb")
        turns = gr.State([])
        with gr.Row(equal_height=True, elem_id="sh-header"):
            title = gr.HTML(f'<div class="sh-title"><h1>{t("title", "nb")}</h1></div>')
            lang_radio = gr.Radio([("Norsk", "nb"), ("English", "en")], value="nb", show_label=False,
                                  container=False, elem_id="sh-lang", scale=0, min_width=240)
        with gr.Tabs():
            with gr.Tab(t("tab_chat", "nb"), id="chat") as tab_chat:
                intro = gr.HTML(_intro("nb"))
                chat = gr.HTML(render.chat_html([], "nb"), elem_id="sh-chat")
                with gr.Row(equal_height=True):
                    box = gr.Textbox(label=t("question_label", "nb"), placeholder=t("question_placeholder", "nb"),
                                     lines=1, max_lines=6, max_length=settings.max_question_chars,
                                     elem_id="sh-question", scale=5, autofocus=True)
                    send = gr.Button(t("send", "nb"), variant="primary", elem_id="sh-send", scale=1, min_width=80)
                source = gr.Radio(_filter_choices("nb"), value="all", label=t("filter_label", "nb"), elem_id="sh-filter")
                examples_title = gr.Markdown(f"**{t('examples', 'nb')}**")
                with gr.Row():
                    example_buttons = [gr.Button(q, size="sm", elem_classes=["sh-example"]) for q in EXAMPLES["nb"]]
                clear = gr.Button(t("clear", "nb"), size="sm", variant="secondary")
            with gr.Tab(t("tab_terms", "nb"), id="terms", elem_id="sh-tab-terms") as tab_terms:
                terms_intro = gr.Markdown(t("terms_intro", "nb"))
                term_pick = gr.Radio(list(KEY_TERMS), label=t("terms_pick", "nb"), elem_id="sh-term-pick")
                with gr.Row(equal_height=True):
                    term_box = gr.Textbox(label=t("terms_search", "nb"), max_length=80, scale=4, elem_id="sh-term-box")
                    term_btn = gr.Button(t("terms_search_btn", "nb"), scale=1, min_width=80)
                term_out = gr.HTML("", elem_id="sh-term-out")
            with gr.Tab(t("tab_about", "nb"), id="about") as tab_about:
                about = gr.HTML(render.about_html(settings.corpus_dir, "nb"), elem_id="sh-about")

        ask_inputs = [box, turns, lang, source]
        ask_outputs = [chat, turns, box]
        box.submit(respond, ask_inputs, ask_outputs, api_visibility="private")
        send.click(respond, ask_inputs, ask_outputs, api_visibility="private")
        for b in example_buttons:
            b.click(respond, [b, turns, lang, source], ask_outputs, api_visibility="private")
        clear.click(lambda lg: (render.chat_html([], lg), []), [lang], [chat, turns], api_visibility="private")
        term_pick.change(show_term, [term_pick, lang], [term_out], api_visibility="private")
        term_box.submit(show_term, [term_box, lang], [term_out], api_visibility="private")
        term_btn.click(show_term, [term_box, lang], [term_out], api_visibility="private")

        def switch(lg: str, tns: list[dict]):
            return (
                lg,
                f'<div class="sh-title"><h1>{t("title", lg)}</h1></div>',
                gr.update(label=t("tab_chat", lg)), gr.update(label=t("tab_terms", lg)),
                gr.update(label=t("tab_about", lg)),
                _intro(lg), render.chat_html(tns or [], lg),
                gr.update(label=t("question_label", lg), placeholder=t("question_placeholder", lg)),
                gr.update(value=t("send", lg)),
                gr.update(choices=_filter_choices(lg), label=t("filter_label", lg)),
                f"**{t('examples', lg)}**",
                *[gr.update(value=q) for q in EXAMPLES[lg]],
                gr.update(value=t("clear", lg)),
                t("terms_intro", lg), gr.update(label=t("terms_pick", lg)),
                gr.update(label=t("terms_search", lg)), gr.update(value=t("terms_search_btn", lg)),
                render.about_html(settings.corpus_dir, lg),
            )

        lang_radio.change(
            switch, [lang_radio, turns],
            [lang, title, tab_chat, tab_terms, tab_about, intro, chat, box, send, source, examples_title,
             *example_buttons, clear, terms_intro, term_pick, term_box, term_btn, about],
            api_visibility="private")

        gr.api(ask_api, api_name="ask")
    return demo


def _intro(lang: str) -> str:
    return (f'<p class="sh-intro">{render.esc(t("intro", lang))}</p>'
            f'<p class="sh-disclaimer">{render.esc(t("not_help", lang))}</p>')

"""The page's CSS and its one small script (served inline: nothing is fetched from elsewhere)."""

CSS = """
.gradio-container { max-width: 900px !important; margin: 0 auto !important; }
.sh-title h1 { margin: 0.2em 0; font-size: 1.6em; }
.sh-intro { font-size: 0.95em; }
.sh-disclaimer { font-size: 0.85em; color: #5a3b00; background: #fff8e6; border-left: 4px solid #e0a000;
  padding: 6px 10px; border-radius: 4px; }
.sh-chat { display: flex; flex-direction: column; gap: 10px; }
.sh-empty { color: #666; }
.sh-msg { padding: 10px 12px; border-radius: 10px; line-height: 1.5; overflow-wrap: anywhere; }
.sh-user { align-self: flex-end; background: #e8f0fe; color: #111; max-width: 85%; white-space: pre-wrap; }
.sh-bot { align-self: stretch; background: #f6f6f6; color: #111; }
.sh-notice { background: #ffe9e6; color: #7a0e00; border: 3px solid #d93b1f; border-radius: 8px;
  padding: 12px 14px; font-weight: 600; font-size: 1.05em; margin-bottom: 10px; }
.sh-abstain { font-weight: 700; margin: 0 0 6px 0; }
.sh-error { color: #8a1c00; font-weight: 600; }
.sh-wait { color: #555; font-style: italic; }
.sh-cite { display: inline; border: 1px solid #1a57c9; background: #fff; color: #1a57c9; border-radius: 4px;
  padding: 0 4px; margin: 0 1px; cursor: pointer; font-size: 0.9em; line-height: 1.3; }
.sh-cite:hover, .sh-cite:focus { background: #1a57c9; color: #fff; }
.sh-sources h4 { margin: 10px 0 4px 0; font-size: 0.95em; }
.sh-src { border: 1px solid #ddd; border-radius: 6px; margin: 4px 0; background: #fff; }
.sh-src > summary { cursor: pointer; padding: 6px 8px; font-size: 0.9em; }
.sh-src[open] > summary { border-bottom: 1px solid #eee; }
.sh-src.sh-flash { outline: 3px solid #1a57c9; }
.sh-meta { padding: 6px 10px; font-size: 0.88em; color: #333; }
.sh-meta a { color: #1a57c9; word-break: break-all; }
.sh-passage { margin: 4px 10px 8px 10px; padding: 6px 10px; border-left: 3px solid #bbb; color: #222;
  font-size: 0.93em; max-height: 22em; overflow-y: auto; }
.sh-passage mark { background: #fff06a; color: #000; padding: 0 1px; }
.sh-list { white-space: pre-line; }
.sh-copy { margin: 0 10px 8px 10px; padding: 3px 8px; border: 1px solid #888; border-radius: 4px;
  background: #fafafa; cursor: pointer; font-size: 0.85em; }
.sh-fb { margin-top: 8px; font-size: 0.85em; color: #444; }
.sh-fb button { border: 1px solid #ccc; background: #fff; border-radius: 4px; cursor: pointer; padding: 1px 6px; }
.sh-fb button[disabled] { opacity: 0.5; cursor: default; }
.sh-def { font-style: italic; margin: 6px 0 2px 0; }
.sh-term-hit { margin-bottom: 10px; }
.sh-important { font-weight: 600; background: #fff3f0; border-left: 4px solid #d93b1f; padding: 8px 10px; }
@media (max-width: 600px) {
  .gradio-container { padding: 4px !important; }
  .sh-title h1 { font-size: 1.25em; }
  #sh-header { flex-direction: column !important; align-items: flex-start !important; gap: 4px !important; }
  #sh-header > * { width: 100% !important; }
  .sh-user { max-width: 95%; }
  .sh-msg { padding: 8px; }
  .sh-passage { margin: 4px 4px 8px 4px; }
}
"""

# Delegated handlers, so they work for HTML that Gradio re-renders at any time.
JS = """
<script>
(function () {
  if (window.__selvhjelp) return; window.__selvhjelp = true;
  function openSource(id) {
    var d = document.getElementById(id);
    if (!d) return;
    d.open = true;
    d.classList.add('sh-flash');
    d.scrollIntoView({block: 'nearest'});
    setTimeout(function () { d.classList.remove('sh-flash'); }, 1600);
  }
  function copy(text, done) {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
    } else { fallback(text); done(); }
  }
  function fallback(text) {
    var ta = document.createElement('textarea'); ta.value = text; document.body.appendChild(ta);
    ta.select(); try { document.execCommand('copy'); } catch (e) {} document.body.removeChild(ta);
  }
  document.addEventListener('click', function (ev) {
    var el = ev.target.closest && ev.target.closest('.sh-cite, .sh-copy, .sh-fb button');
    if (!el) return;
    ev.preventDefault();
    if (el.classList.contains('sh-cite')) { openSource(el.getAttribute('data-target')); return; }
    if (el.classList.contains('sh-copy')) {
      var label = el.textContent;
      copy(el.getAttribute('data-ref'), function () {
        el.textContent = el.getAttribute('data-done') || label;
        setTimeout(function () { el.textContent = label; }, 1500);
      });
      return;
    }
    var box = el.closest('.sh-fb'); var msg = box.querySelector('.sh-fb-msg');
    var bot = el.closest('.sh-bot'); var ans = bot ? bot.querySelector('.sh-answer') : null;
    box.querySelectorAll('button').forEach(function (b) { b.disabled = true; });
    var base = (window.gradio_config && window.gradio_config.root) || '';
    base = base.replace(/\\/$/, '');
    fetch(base + '/api/feedback', {method: 'POST', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({question_id: box.getAttribute('data-qid'), rating: el.getAttribute('data-rating'),
                            answer: ans ? ans.innerText.slice(0, 19000) : ''})})
      .then(function (r) { msg.textContent = box.getAttribute(r.ok ? 'data-thanks' : 'data-failed'); })
      .catch(function () { msg.textContent = box.getAttribute('data-failed'); });
  });
})();
</script>
"""

"""The page's theme and CSS: CJK fonts first, readable source cards, highlighted evidence."""

from __future__ import annotations

FONTS = ["Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "system-ui", "sans-serif"]


def theme():
    """Fonts are system font names (no web-font download, which an offline archive machine cannot do)."""
    import gradio as gr

    return gr.themes.Soft(primary_hue="blue", neutral_hue="slate", font=FONTS,
                          font_mono=["Noto Sans Mono CJK SC", "ui-monospace", "monospace"]).set(
        body_background_fill="*neutral_50", block_background_fill="white",
        button_primary_background_fill="*primary_600", button_primary_background_fill_hover="*primary_700",
        button_primary_text_color="white")


CSS = """
.gradio-container { max-width: 1320px !important; width: 100% !important; margin: 0 auto !important; }
#app-header { padding: 4px 2px 0; }
#app-header h1 { font-size: 1.6rem; margin: 0 0 2px; letter-spacing: .02em; }
#app-header p { margin: 0; color: var(--body-text-color-subdued); font-size: .92rem; }
#ask-row { align-items: stretch; }
#ask-row button { min-width: 88px; }
/* the page has its own 清空对话 button, which also resets the sources; the chat's icon would overlap messages */
#chatbot .top-panel { display: none !important; }
#corpus-help p { margin: 0; font-size: .88rem; color: var(--body-text-color-subdued); }
.status + .status { margin-top: 6px; }
#upload-status .html-container { padding: 0 !important; }
#side-panel { background: var(--block-background-fill); border: 1px solid var(--block-border-color);
              border-radius: var(--block-radius); padding: 6px 10px 10px; }
#side-panel .tabitem { padding: 0 !important; }
.sources, .hits { display: flex; flex-direction: column; gap: 10px; }
/* the panel scrolls on its own, aligned with the chat, instead of stretching the page */
#sources, #hits { height: 566px; overflow-y: auto !important; padding: 8px 6px 8px 0; }
.src-question { font-size: .88rem; color: var(--body-text-color-subdued); padding: 2px 2px 0; }
.src-card, .hit { border: 1px solid var(--border-color-primary); border-radius: 10px; padding: 10px 12px;
                  background: var(--background-fill-primary); }
.src-card.unverified { border-color: #e0a100; background: #fffaf0; }
.src-card.related { background: var(--background-fill-secondary); }
.src-head, .hit-head { display: flex; align-items: baseline; gap: 8px; flex-wrap: wrap; }
.src-num { font-weight: 700; color: var(--color-accent); flex: none; }
.src-title { font-weight: 600; flex: 1 1 auto; min-width: 0; }
.src-meta { font-size: .8rem; color: var(--body-text-color-subdued); margin: 3px 0 6px; word-break: break-all; }
.src-date { font-weight: 600; }
.src-dated { font-size: .85rem; color: var(--body-text-color-subdued); margin-top: 6px; }
.src-file { font-family: var(--font-mono); }
.src-passage, .hit-text { font-size: .92rem; line-height: 1.75; white-space: pre-wrap; word-break: break-word; }
.hit-text { display: -webkit-box; -webkit-line-clamp: 4; -webkit-box-orient: vertical; overflow: hidden;
            color: var(--body-text-color-subdued); }
.src-passage mark { background: #ffe58a; color: inherit; padding: 1px 0; border-radius: 3px; }
.src-warn { margin-top: 6px; font-size: .85rem; color: #9a6700; }
.badge { font-size: .75rem; border-radius: 999px; padding: 1px 8px; flex: none; }
.badge.warn { background: #fff1c2; color: #8a5a00; border: 1px solid #e0a100; }
.src-empty { font-weight: 700; font-size: 1.02rem; padding: 4px 2px; }
.src-section { font-weight: 600; margin-top: 4px; color: var(--body-text-color-subdued); }
.src-foot { font-size: .78rem; color: var(--body-text-color-subdued); text-align: right; }
.hit-score { font-family: var(--font-mono); font-size: .8rem; color: var(--body-text-color-subdued); flex: none; }
.hit-ranks { font-size: .82rem; margin-bottom: 4px; }
.panel-empty { color: var(--body-text-color-subdued); padding: 24px 8px; text-align: center; line-height: 1.8; }
.status { padding: 8px 12px; border-radius: 8px; background: var(--background-fill-secondary); line-height: 1.7;
          white-space: pre-line; }
.status.ok { background: #edf8ef; color: #1f6f34; }
.status.error { background: #fdeeee; color: #9b1c1c; }
.status progress { width: 220px; vertical-align: middle; }
#corpus-summary p { margin: 0; }
#llm-status p { margin: 0; font-size: .88rem; }
footer { opacity: .7; }
"""

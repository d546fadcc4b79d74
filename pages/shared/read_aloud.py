"""The 朗读 button: the phone reads a text aloud with its own zh-CN voice (browser speech synthesis).

The text travels as JSON inside a script element (``<`` escaped), never as HTML, in
Streamlit's sandboxed component iframe.  A phone without speech synthesis shows why the
button does nothing.
"""

from __future__ import annotations

import json

import streamlit.components.v1 as components

BUTTON_HTML = """
<button id="read-aloud" type="button" lang="zh-CN" aria-label="朗读%(what)s"
  style="font-size:18px;padding:8px 18px;border:2px solid #b71c1c;border-radius:8px;background:#fff;color:#b71c1c;cursor:pointer">
  ▶ 朗读%(what)s</button>
<script type="application/json" id="read-aloud-text">%(text)s</script>
<script>
(function () {
  var button = document.getElementById("read-aloud");
  var text = JSON.parse(document.getElementById("read-aloud-text").textContent);
  var label = button.textContent;
  if (!("speechSynthesis" in window)) {
    button.disabled = true;
    button.textContent = "这部手机不支持朗读";
    return;
  }
  var synth = window.speechSynthesis;
  function chinese() {
    return synth.getVoices().filter(function (v) {
      return (v.lang || "").replace("_", "-").toLowerCase().indexOf("zh") === 0;
    });
  }
  button.addEventListener("click", function () {
    if (synth.speaking) { synth.cancel(); button.textContent = label; return; }
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = "zh-CN";
    utterance.rate = 0.9;
    var voices = chinese();
    var mainland = voices.filter(function (v) { return /zh[-_]CN/i.test(v.lang); });
    if (mainland.length || voices.length) { utterance.voice = (mainland[0] || voices[0]); }
    utterance.onend = utterance.onerror = function () { button.textContent = label; };
    synth.speak(utterance);
    button.textContent = "■ 停止朗读";
  });
})();
</script>
"""
# Short, constant labels only: never user text.
WHAT = {"month": "本月摘要", "policy": "这期问答"}


def read_aloud_button(text: str, what: str) -> None:
    payload = json.dumps(text, ensure_ascii=False).replace("<", "\\u003c")
    components.html(BUTTON_HTML % {"what": WHAT[what], "text": payload}, height=56)

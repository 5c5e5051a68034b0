// daskflow UI: the small behaviours of server-rendered pages (no build step).
// - the run page's live event log: an EventSource per shown log, resuming after the last
//   event id on the page (the server sends id: = event id, so reconnects never duplicate);
// - errors of htmx actions shown in a banner;
// - side panels of the pipeline page (a solid's panel opens when its DAG node is clicked).
"use strict";

(function () {
  let stream = null;
  let connected = null; // the #event-log element the stream belongs to

  function banner(text) {
    let box = document.getElementById("banner");
    if (!box) {
      box = document.createElement("div");
      box.id = "banner";
      box.className = "banner";
      box.setAttribute("role", "alert");
      document.querySelector("main").prepend(box);
    }
    box.textContent = text;
    box.hidden = false;
  }

  function nearBottom() {
    return window.innerHeight + window.scrollY >= document.body.scrollHeight - 80;
  }

  function connectLog() {
    const log = document.getElementById("event-log");
    connected = log;
    if (stream) {
      stream.close();
      stream = null;
    }
    if (!log || !window.EventSource) return;
    const state = document.getElementById("stream-state");
    const params = new URLSearchParams({ q: log.dataset.query || "", after: log.dataset.lastId || "0" });
    const source = new EventSource(`/runs/${log.dataset.run}/events/stream?${params}`);
    stream = source;
    const rows = document.getElementById("event-rows");
    source.addEventListener("log", (message) => {
      if (document.getElementById("ev-" + message.lastEventId)) return;
      const follow = nearBottom();
      const template = document.createElement("template");
      template.innerHTML = message.data.trim();
      rows.append(...template.content.childNodes);
      log.dataset.lastId = message.lastEventId;
      if (follow) window.scrollTo(0, document.body.scrollHeight);
    });
    source.addEventListener("status", (message) => {
      if (state) state.textContent = `live · ${message.data}`;
    });
    source.addEventListener("end", (message) => {
      if (state) state.textContent = `run ${message.data}`;
      log.dataset.finished = "true";
      source.close();
      if (stream === source) stream = null;
    });
    if (state) state.textContent = "live";
  }

  function showPanel(name, solid) {
    document.querySelectorAll("#side .panel").forEach((panel) => {
      const match = solid ? panel.dataset.solid === solid : panel.dataset.panel === name;
      panel.hidden = !match;
    });
  }

  document.addEventListener("daskflow:solid-click", (event) => {
    if (document.getElementById("side")) showPanel("solid", event.detail.solid);
  });
  document.addEventListener("click", (event) => {
    const link = event.target.closest("[data-show-panel]");
    if (link) {
      event.preventDefault();
      showPanel(link.dataset.showPanel, null);
    }
  });
  document.addEventListener("htmx:responseError", (event) => {
    const xhr = event.detail.xhr;
    banner(`${xhr.status}: ${xhr.responseText || xhr.statusText}`);
  });
  document.addEventListener("htmx:afterSettle", () => {
    if (document.getElementById("event-log") !== connected) connectLog();
  });
  document.addEventListener("DOMContentLoaded", connectLog);
  window.addEventListener("pagehide", () => stream && stream.close());
})();

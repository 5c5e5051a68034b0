// The launchpad: a CodeMirror 6 YAML editor with key completion from the pipeline's run
// config JSON Schema (per mode), server validation shown at each error's line (linter and
// a list below), "scaffold missing config", the DAG highlighting the solid selection, and
// Launch (POST with the page's CSRF token, then on to the new run's page).
import { autocompletion } from "@codemirror/autocomplete";
import { yaml } from "@codemirror/lang-yaml";
import { forceLinting, linter, lintGutter } from "@codemirror/lint";
import { EditorView, basicSetup } from "codemirror";
import { completeKeys } from "./yaml-complete.js";

const csrf = () => document.querySelector('meta[name="csrf-token"]').content;
const byId = (id) => document.getElementById(id);

function post(url, body, asForm = false) {
  const headers = { "X-CSRF-Token": csrf() };
  if (!asForm) headers["Content-Type"] = "application/json";
  return fetch(url, { method: "POST", headers, body: asForm ? body : JSON.stringify(body), credentials: "same-origin" });
}

function completionSource(pad) {
  return (context) => {
    const line = context.state.doc.lineAt(context.pos);
    const column = context.pos - line.from;
    const lines = context.state.doc.toString().split("\n");
    const result = completeKeys(pad.schemas[pad.mode.value] || {}, lines, line.number - 1, column);
    if (!result || (!context.explicit && result.from === column)) return null; // nothing typed
    return {
      from: line.from + result.from,
      options: result.options.map((o) => ({
        label: o.label, detail: o.required ? `${o.detail} (required)` : o.detail,
        info: o.info || undefined, apply: o.apply, type: "property", boost: o.required ? 1 : 0,
      })),
      validFor: /^[\w.-]*$/,
    };
  };
}

function errorItem(pad, error) {
  const item = document.createElement("li");
  item.dataset.line = error.line;
  item.dataset.path = error.path;
  item.textContent = `line ${error.line}: ${error.path ? error.path + ": " : ""}${error.message}`;
  if (error.hint) {
    const hint = document.createElement("div");
    hint.className = "hint";
    hint.textContent = error.hint;
    item.append(hint);
  }
  item.addEventListener("click", () => {
    const line = pad.view.state.doc.line(Math.min(error.line, pad.view.state.doc.lines));
    pad.view.dispatch({ selection: { anchor: line.from }, scrollIntoView: true });
    pad.view.focus();
  });
  return item;
}

function showErrors(pad, errors) {
  byId("config-errors").replaceChildren(...errors.map((error) => errorItem(pad, error)));
}

function diagnostic(view, error) {
  const line = view.state.doc.line(Math.max(1, Math.min(error.line, view.state.doc.lines)));
  return {
    from: line.from + (line.text.length - line.text.trimStart().length),
    to: line.to,
    severity: "error",
    message: `${error.path ? error.path + ": " : ""}${error.message}${error.hint ? "\n" + error.hint : ""}`,
  };
}

function validator(pad) {
  return async (view) => {
    const response = await post(`/pipelines/${pad.pipeline}/validate`, pad.draft());
    if (!response.ok) return [];
    const result = await response.json();
    showErrors(pad, result.errors);
    byId("validity").textContent = result.valid ? "Config is valid." : `${result.errors.length} error(s)`;
    pad.form.dataset.valid = String(result.valid);
    return result.errors.map((error) => diagnostic(view, error));
  };
}

async function highlightSelection(pad) {
  const response = await fetch(`/pipelines/${pad.pipeline}/selection?q=${encodeURIComponent(pad.selection.value)}`);
  const note = byId("selection-note");
  const result = await response.json();
  if (!response.ok) {
    note.textContent = result.error;
    return;
  }
  note.textContent = result.all ? "All solids run." : `${result.solids.length} solid(s) selected: ${result.solids.join(", ")}`;
  const solids = result.all ? null : result.solids;
  document.dispatchEvent(new CustomEvent("daskflow:highlight", { detail: { solids } }));
}

async function scaffold(pad) {
  const response = await post(`/pipelines/${pad.pipeline}/scaffold`, pad.draft());
  const result = await response.json();
  if (!response.ok) {
    byId("validity").textContent = result.error;
    return;
  }
  pad.view.dispatch({ changes: { from: 0, to: pad.view.state.doc.length, insert: result.yaml } });
  forceLinting(pad.view);
}

async function launch(pad) {
  const body = new FormData(pad.form);
  body.set("yaml", pad.view.state.doc.toString());
  const response = await post(`/pipelines/${pad.pipeline}/launch`, body, true);
  const target = response.headers.get("HX-Redirect");
  if (response.ok && target) {
    window.location.assign(target);
    return;
  }
  const text = await response.text();
  try {
    showErrors(pad, JSON.parse(text).errors || []);
    byId("validity").textContent = "Not launched: fix the errors below.";
  } catch {
    byId("validity").textContent = `Not launched: ${response.status} ${text}`;
  }
}

function wire(pad) {
  pad.mode.addEventListener("change", () => forceLinting(pad.view));
  let timer = null;
  pad.selection.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => { highlightSelection(pad); forceLinting(pad.view); }, 300);
  });
  if (pad.selection.value) setTimeout(() => highlightSelection(pad), 50);
  byId("preset").addEventListener("change", (event) => {
    const preset = event.target.value;
    window.location.search = preset ? `?preset=${encodeURIComponent(preset)}` : "";
  });
  byId("scaffold").addEventListener("click", () => scaffold(pad));
  pad.form.addEventListener("submit", (event) => {
    event.preventDefault();
    launch(pad);
  });
}

function start() {
  const form = byId("launchpad");
  if (!form) return;
  const pad = {
    form,
    pipeline: form.dataset.pipeline,
    schemas: JSON.parse(byId("schemas").textContent),
    mode: byId("mode"),
    selection: byId("selection"),
  };
  pad.draft = () => ({ yaml: pad.view.state.doc.toString(), mode: pad.mode.value, selection: pad.selection.value });
  pad.view = new EditorView({
    doc: byId("yaml-initial").value,
    extensions: [
      basicSetup,
      yaml(),
      autocompletion({ override: [completionSource(pad)], activateOnTyping: true }),
      linter(validator(pad), { delay: 400 }),
      lintGutter(),
      EditorView.lineWrapping,
    ],
    parent: byId("editor"),
  });
  window.daskflowEditor = pad.view; // for tests and the console
  wire(pad);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();

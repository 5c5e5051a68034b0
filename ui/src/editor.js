// The launchpad: a CodeMirror 6 YAML editor with key completion from the pipeline's run
// config JSON Schema (per mode), server validation shown at each error's line (linter and
// a list below), "scaffold missing config", the DAG highlighting the solid selection, and
// Launch (POST with the page's CSRF token, then on to the new run's page).
import { autocompletion } from "@codemirror/autocomplete";
import { yaml } from "@codemirror/lang-yaml";
import { linter, lintGutter, forceLinting } from "@codemirror/lint";
import { EditorView, basicSetup } from "codemirror";
import { completeKeys } from "./yaml-complete.js";

const csrf = () => document.querySelector('meta[name="csrf-token"]').content;

async function post(url, body, asForm = false) {
  const headers = { "X-CSRF-Token": csrf() };
  if (!asForm) headers["Content-Type"] = "application/json";
  return fetch(url, { method: "POST", headers, body: asForm ? body : JSON.stringify(body), credentials: "same-origin" });
}

function start() {
  const form = document.getElementById("launchpad");
  if (!form) return;
  const pipeline = form.dataset.pipeline;
  const schemas = JSON.parse(document.getElementById("schemas").textContent);
  const modeSelect = document.getElementById("mode");
  const selection = document.getElementById("selection");
  const errorList = document.getElementById("config-errors");
  const validity = document.getElementById("validity");
  const draft = () => ({ yaml: view.state.doc.toString(), mode: modeSelect.value, selection: selection.value });

  function completionSource(context) {
    const line = context.state.doc.lineAt(context.pos);
    const lines = context.state.doc.toString().split("\n");
    const column = context.pos - line.from;
    const result = completeKeys(schemas[modeSelect.value] || {}, lines, line.number - 1, column);
    if (!result || (!context.explicit && result.from === column)) return null; // nothing typed
    return {
      from: line.from + result.from,
      options: result.options.map((o) => ({
        label: o.label, detail: o.required ? `${o.detail} (required)` : o.detail,
        info: o.info || undefined, apply: o.apply, type: "property", boost: o.required ? 1 : 0,
      })),
      validFor: /^[\w.-]*$/,
    };
  }

  function showErrors(errors) {
    errorList.replaceChildren(...errors.map((error) => {
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
        const line = view.state.doc.line(Math.min(error.line, view.state.doc.lines));
        view.dispatch({ selection: { anchor: line.from }, scrollIntoView: true });
        view.focus();
      });
      return item;
    }));
  }

  async function validate(view) {
    const response = await post(`/pipelines/${pipeline}/validate`, draft());
    if (!response.ok) return [];
    const result = await response.json();
    showErrors(result.errors);
    validity.textContent = result.valid ? "Config is valid." : `${result.errors.length} error(s)`;
    form.dataset.valid = String(result.valid);
    return result.errors.map((error) => {
      const line = view.state.doc.line(Math.max(1, Math.min(error.line, view.state.doc.lines)));
      return {
        from: line.from + (line.text.length - line.text.trimStart().length),
        to: line.to,
        severity: "error",
        message: `${error.path ? error.path + ": " : ""}${error.message}${error.hint ? "\n" + error.hint : ""}`,
      };
    });
  }

  const view = new EditorView({
    doc: document.getElementById("yaml-initial").value,
    extensions: [
      basicSetup,
      yaml(),
      autocompletion({ override: [completionSource], activateOnTyping: true }),
      linter(validate, { delay: 400 }),
      lintGutter(),
      EditorView.lineWrapping,
    ],
    parent: document.getElementById("editor"),
  });
  window.daskflowEditor = view; // for tests and the console

  const relint = () => forceLinting(view);
  modeSelect.addEventListener("change", relint);

  async function highlightSelection() {
    const response = await fetch(`/pipelines/${pipeline}/selection?q=${encodeURIComponent(selection.value)}`);
    const note = document.getElementById("selection-note");
    const result = await response.json();
    if (!response.ok) {
      note.textContent = result.error;
      return;
    }
    note.textContent = result.all ? "All solids run." : `${result.solids.length} solid(s) selected: ${result.solids.join(", ")}`;
    document.dispatchEvent(new CustomEvent("daskflow:highlight", { detail: { solids: result.all ? null : result.solids } }));
  }
  let timer = null;
  selection.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => { highlightSelection(); relint(); }, 300);
  });
  if (selection.value) setTimeout(highlightSelection, 50);

  document.getElementById("preset").addEventListener("change", (event) => {
    const preset = event.target.value;
    window.location.search = preset ? `?preset=${encodeURIComponent(preset)}` : "";
  });

  document.getElementById("scaffold").addEventListener("click", async () => {
    const response = await post(`/pipelines/${pipeline}/scaffold`, draft());
    const result = await response.json();
    if (!response.ok) {
      validity.textContent = result.error;
      return;
    }
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: result.yaml } });
    relint();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = new FormData(form);
    body.set("yaml", view.state.doc.toString());
    const response = await post(`/pipelines/${pipeline}/launch`, body, true);
    const target = response.headers.get("HX-Redirect");
    if (response.ok && target) {
      window.location.assign(target);
      return;
    }
    const text = await response.text();
    try {
      const result = JSON.parse(text);
      showErrors(result.errors || []);
      validity.textContent = "Not launched: fix the errors below.";
    } catch {
      validity.textContent = `Not launched: ${response.status} ${text}`;
    }
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();

// The pipeline DAG: reads the graph the page embeds (#dag-data), lays it out with dagre
// (in a worker above WORKER_THRESHOLD nodes) and draws it as SVG. Clicking a node fires
// "daskflow:solid-click"; "daskflow:highlight" (detail.solids, or null for none) marks a
// solid selection and dims the rest.
import { layoutGraph } from "./layout.js";

const WORKER_THRESHOLD = 150;
const SVG = "http://www.w3.org/2000/svg";

function el(name, attrs, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (parent) parent.appendChild(node);
  return node;
}

function pathOf(points) {
  return points.map((p, i) => `${i ? "L" : "M"}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ");
}

function draw(container, laid) {
  const svg = el("svg", { width: laid.width, height: laid.height, viewBox: `0 0 ${laid.width} ${laid.height}`, role: "img" });
  const defs = el("defs", {}, svg);
  const marker = el("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto" }, defs);
  el("path", { d: "M0,0 L10,5 L0,10 z", fill: "#9aa5b8" }, marker);
  for (const edge of laid.edges) {
    el("path", { class: "edge", d: pathOf(edge.points), "marker-end": "url(#arrow)", "data-source": edge.source, "data-target": edge.target }, svg);
  }
  for (const node of laid.nodes) {
    const group = el("g", { class: "node", "data-solid": node.name, transform: `translate(${node.x - node.width / 2},${node.y - node.height / 2})`, tabindex: 0 }, svg);
    el("rect", { width: node.width, height: node.height, rx: 6 }, group);
    const label = el("text", { x: node.width / 2, y: node.height / 2 + 4, "text-anchor": "middle" }, group);
    label.textContent = node.name;
    const fire = () => {
      svg.querySelectorAll(".node.active").forEach((n) => n.classList.remove("active"));
      group.classList.add("active");
      document.dispatchEvent(new CustomEvent("daskflow:solid-click", { detail: { solid: node.name } }));
    };
    group.addEventListener("click", fire);
    group.addEventListener("keydown", (event) => event.key === "Enter" && fire());
  }
  container.replaceChildren(svg);
  container.dataset.laidOut = "true";
  container.dataset.nodeCount = String(laid.nodes.length);
}

function highlight(container, solids) {
  const chosen = solids ? new Set(solids) : null;
  container.querySelectorAll(".node").forEach((node) => {
    const inside = !chosen || chosen.has(node.dataset.solid);
    node.classList.toggle("selected", Boolean(chosen) && inside);
    node.classList.toggle("dimmed", !inside);
  });
}

function start() {
  const container = document.getElementById("dag");
  const data = document.getElementById("dag-data");
  if (!container || !data) return;
  const graph = JSON.parse(data.textContent);
  document.addEventListener("daskflow:highlight", (event) => highlight(container, event.detail.solids));
  if (graph.nodes.length > WORKER_THRESHOLD && window.Worker) {
    container.dataset.layout = "worker";
    const worker = new Worker("/static/js/dag-worker.js");
    worker.onmessage = (event) => {
      draw(container, event.data);
      worker.terminate();
    };
    worker.postMessage(graph);
  } else {
    container.dataset.layout = "main";
    draw(container, layoutGraph(graph));
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();

// Web worker: lays out large graphs off the main thread (the page stays responsive).
import { layoutGraph } from "./layout.js";

self.onmessage = (event) => {
  self.postMessage(layoutGraph(event.data));
};

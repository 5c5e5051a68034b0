// Lays out a pipeline graph with dagre, left to right: node boxes sized by their label,
// edges as point lists. Pure data in, pure data out, so it runs in a worker as well.
import { Graph, layout } from "@dagrejs/dagre";

const CHAR_WIDTH = 7.2;
const NODE_HEIGHT = 34;

export function layoutGraph(graph) {
  const g = new Graph({ multigraph: true });
  g.setGraph({ rankdir: "LR", nodesep: 18, ranksep: 60, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes) {
    g.setNode(node.name, { width: Math.max(90, node.name.length * CHAR_WIDTH + 28), height: NODE_HEIGHT });
  }
  graph.edges.forEach((edge, index) => g.setEdge(edge.source, edge.target, {}, `e${index}`));
  layout(g);
  const nodes = graph.nodes.map((node) => {
    const box = g.node(node.name);
    return { name: node.name, x: box.x, y: box.y, width: box.width, height: box.height };
  });
  const edges = graph.edges.map((edge, index) => ({
    source: edge.source,
    target: edge.target,
    points: g.edge({ v: edge.source, w: edge.target, name: `e${index}` }).points,
  }));
  const size = g.graph();
  return { nodes, edges, width: size.width, height: size.height };
}

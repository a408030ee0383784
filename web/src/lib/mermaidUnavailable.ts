/**
 * Stands in for @excalidraw/mermaid-to-excalidraw in the build (vite.config.ts). Excalidraw loads it
 * only to turn pasted Mermaid text into shapes, a tool the board hides; the real module brings Mermaid,
 * KaTeX and Cytoscape (several MB) into the build, which the C++ server keeps in memory. Excalidraw
 * catches this error and pastes nothing.
 */
export async function parseMermaidToExcalidraw(): Promise<never> {
  throw new Error('Mermaid diagrams are not available on this board');
}

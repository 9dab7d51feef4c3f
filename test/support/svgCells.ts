// Reads an exported matrix SVG back: the viridis index of every cell as drawn (the background,
// then each rect over the cells it spans). Shared by the unit and e2e export tests.
import { VIRIDIS } from '../../src/shared/colorScale';

const INDEX_OF_HEX = new Map<string, number>(
  Array.from({ length: VIRIDIS.length / 3 }, (_, i) => [
    '#' + Array.from(VIRIDIS.subarray(i * 3, i * 3 + 3), (v) => v.toString(16).padStart(2, '0')).join(''),
    i,
  ]),
);

export function viridisHex(index: number): string {
  return '#' + Array.from(VIRIDIS.subarray(index * 3, index * 3 + 3), (v) => v.toString(16).padStart(2, '0')).join('');
}

/** The colour index of each of the size x size cells, row-major; -1 for a colour not in the table. */
export function drawnCellIndices(svg: string, size: number): number[] {
  const grid = svg.slice(svg.indexOf('shape-rendering="crispEdges"'), svg.indexOf('</g>'));
  const rects = [...grid.matchAll(/<rect (?:x="(\d+)" y="(\d+)" )?width="(\d+)" height="(\d+)" fill="(#[0-9a-f]{6})"\/>/g)];
  const [, , , sideText, , background] = rects[0];
  const cell = Number(sideText) / size;
  const cells = new Array<number>(size * size).fill(INDEX_OF_HEX.get(background) ?? -1);
  for (const [, x, y, w, , fill] of rects.slice(1)) {
    const row = Number(y) / cell;
    for (let j = Number(x) / cell; j < (Number(x) + Number(w)) / cell; j++) cells[row * size + j] = INDEX_OF_HEX.get(fill) ?? -1;
  }
  return cells;
}

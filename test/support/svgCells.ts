// Reads an exported matrix SVG back: the viridis index of every cell as drawn (the background,
// then each rect over the cells it spans). Shared by the unit and e2e export tests.
import { VIRIDIS } from '../../src/shared/colorScale';
import { viridisHex } from '../../src/shared/svgFigure';

const INDEX_OF_HEX = new Map<string, number>(Array.from({ length: VIRIDIS.length / 3 }, (_, i) => [viridisHex(i), i]));

/** The viridis table index of a #rrggbb colour, or -1 when the colour is not in the table. */
export function viridisIndexOf(hex: string): number {
  return INDEX_OF_HEX.get(hex) ?? -1;
}

/**
 * The colour index of each of the rows x cols cells (cols = rows for a T x T matrix), row-major;
 * -1 for a colour not in the table.
 */
export function drawnCellIndices(svg: string, rows: number, cols = rows): number[] {
  const grid = svg.slice(svg.indexOf('shape-rendering="crispEdges"'), svg.indexOf('</g>'));
  const rects = [...grid.matchAll(/<rect (?:x="(\d+)" y="(\d+)" )?width="(\d+)" height="(\d+)" fill="(#[0-9a-f]{6})"\/>/g)];
  const [, , , widthText, , background] = rects[0];
  const cell = Number(widthText) / cols;
  const cells = new Array<number>(rows * cols).fill(viridisIndexOf(background));
  for (const [, x, y, w, , fill] of rects.slice(1)) {
    const row = Number(y) / cell;
    for (let j = Number(x) / cell; j < (Number(x) + Number(w)) / cell; j++) cells[row * cols + j] = viridisIndexOf(fill);
  }
  return cells;
}

/** Every row is this tall (px); the CSS gives rows no other height. */
export const ROW_HEIGHT = 44;
/** Rows rendered beyond each edge of the viewport, so that fast scrolling shows no gaps. */
export const OVERSCAN = 8;
/**
 * Browsers cap an element's height (Firefox near 17.9 million px, Chromium near 33.5 million):
 * beyond this the list scrolls a scaled-down space, so a million loaded rows stay reachable.
 */
export const MAX_SCROLL_HEIGHT = 15_000_000;

export interface Geometry {
  /** Height of the scrolled element, px (the rows' height, capped). */
  readonly height: number;
  /** Virtual px per scrolled px: 1 unless the rows are taller than the cap. */
  readonly ratio: number;
  /** Where the viewport starts in the rows' own (virtual) space. */
  readonly virtualTop: number;
  /** First and last row to render (inclusive; last < first when there are none). */
  readonly first: number;
  readonly last: number;
  /** The first row wholly or partly in view. */
  readonly firstVisible: number;
}

export function geometry(count: number, scrollTop: number, viewport: number, overscan = OVERSCAN): Geometry {
  const virtualHeight = count * ROW_HEIGHT;
  const height = Math.min(virtualHeight, MAX_SCROLL_HEIGHT);
  const ratio = virtualHeight > height && height > viewport ? (virtualHeight - viewport) / (height - viewport) : 1;
  const virtualTop = Math.max(0, scrollTop * ratio);
  const firstVisible = Math.min(Math.max(0, count - 1), Math.floor(virtualTop / ROW_HEIGHT));
  return {
    height,
    ratio,
    virtualTop,
    firstVisible,
    first: Math.max(0, firstVisible - overscan),
    last: Math.min(count - 1, Math.ceil((virtualTop + viewport) / ROW_HEIGHT) - 1 + overscan),
  };
}

/** A row's top inside the scrolled element, px. */
export function rowTop(index: number, at: Geometry, scrollTop: number): number {
  return index * ROW_HEIGHT - at.virtualTop + scrollTop;
}

/** The scrollTop that brings a row wholly into view, or null when it already is. */
export function scrollTopToShow(index: number, at: Geometry, viewport: number): number | null {
  const top = index * ROW_HEIGHT;
  if (top < at.virtualTop) return top / at.ratio;
  if (top + ROW_HEIGHT > at.virtualTop + viewport) return Math.max(0, top + ROW_HEIGHT - viewport) / at.ratio;
  return null;
}

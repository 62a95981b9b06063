/** How numbers read in table cells that hold more than one. */

export function percent(share: number | null): string {
  return share === null ? '—' : `${Math.round(share * 100)}%`;
}

export function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Semantic versions as electron-builder writes them (1.2.3, 1.2.3-beta.4): compared, not sorted as text. */

const SEMVER = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

export function isVersion(text: string): boolean {
  return SEMVER.test(text);
}

/** Negative when a is older than b, 0 when equal, positive when newer. Throws on a non-version. */
export function compareVersions(a: string, b: string): number {
  const left = SEMVER.exec(a);
  const right = SEMVER.exec(b);
  if (!left || !right) throw new Error(`not a version: ${left ? b : a}`);
  for (let index = 1; index <= 3; index += 1) {
    const difference = Number(left[index]) - Number(right[index]);
    if (difference !== 0) return difference;
  }
  const leftPre = left[4];
  const rightPre = right[4];
  // A release is newer than any of its pre-releases (1.0.0 > 1.0.0-rc.1).
  if (leftPre === undefined || rightPre === undefined)
    return (leftPre === undefined ? 1 : 0) - (rightPre === undefined ? 1 : 0);
  const leftParts = leftPre.split('.');
  const rightParts = rightPre.split('.');
  for (let index = 0; index < Math.max(leftParts.length, rightParts.length); index += 1) {
    const l = leftParts[index];
    const r = rightParts[index];
    if (l === undefined) return -1;
    if (r === undefined) return 1;
    const lNumber = /^\d+$/.test(l);
    const rNumber = /^\d+$/.test(r);
    if (lNumber && rNumber && Number(l) !== Number(r)) return Number(l) - Number(r);
    if (lNumber !== rNumber) return lNumber ? -1 : 1;
    if (l !== r) return l < r ? -1 : 1;
  }
  return 0;
}

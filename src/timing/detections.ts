/**
 * Detector codes in the detection list: 0 Z-H, 1 Z-V, 2 X-D, 3 X-A for a single click; when
 * several detectors clicked for one pulse, DOUBLE_CLICK_FLAG | mask (bit d set for detector d).
 * Sifting assigns a random bit to a double click within one basis (squashing model).
 */
export const DOUBLE_CLICK_FLAG = 0x10;

export function isMultiClick(code: number): boolean {
  return (code & DOUBLE_CLICK_FLAG) !== 0;
}

/** Bit mask of the detectors that clicked. */
export function clickMask(code: number): number {
  return code & DOUBLE_CLICK_FLAG ? code & 0x0f : 1 << code;
}

/** Basis measured (0 Z, 1 X), or −1 if detectors of both bases clicked. */
export function detectionBasis(code: number): number {
  const m = clickMask(code);
  if ((m & 0x3) && (m & 0xc)) return -1;
  return m & 0x3 ? 0 : 1;
}

/** Bit (0/1) of a single click, or −1 for a multi-click (caller draws it). */
export function detectionBit(code: number): number {
  return code & DOUBLE_CLICK_FLAG ? -1 : code & 1;
}

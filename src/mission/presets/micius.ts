/**
 * Micius (NORAD 41731, COSPAR 2016-051A) elements, epoch 2016-12-18 21:38 UTC: one day before the
 * reference orbit of Liao et al., Nature 549, 43 (2017). Same text as micius-2016-12-18.tle beside this file.
 */
export const MICIUS_TLE_TEXT = `MICIUS
1 41731U 16051A   16353.90152003  .00000364  00000-0  17957-4 0  9993
2 41731  97.3699 267.4500 0013200 178.5836 246.0824 15.23915303 19063
`;

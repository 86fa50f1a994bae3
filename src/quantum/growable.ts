/** The growable typed-array buffers live in core/ (timing/ uses them too); re-exported for quantum/'s modules. */
export { GrowableF64, GrowableU8 } from '../core/growable.js';

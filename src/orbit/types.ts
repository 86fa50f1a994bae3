/**
 * Typed values produced by the orbit layer and consumed by the link model, the simulation and
 * the reports. Times are milliseconds since the Unix epoch (UTC) unless the name says otherwise.
 */

export interface Station {
  /** Lower-case identifier, e.g. "xinglong". */
  id: string;
  name: string;
  latitudeDeg: number;
  longitudeDeg: number;
  altitudeM: number;
  /** Minimum usable elevation per azimuth sector, or a single number for all azimuths. */
  horizonMaskDeg?: number | { azimuthDeg: number; elevationDeg: number }[];
  /** Receiving telescope, when known (the receiver hardware config has the full optics). */
  telescope?: { apertureM: number; obscurationM?: number; description?: string };
}

/** A satellite's orbital elements, as given (TLE lines or OMM JSON). */
export interface SatelliteElements {
  name: string;
  noradId?: number;
  tle?: [string, string];
  omm?: Record<string, unknown>;
}

/** One time slot of pass geometry as seen from one station. */
export interface GeometrySample {
  timeMs: number;
  elevationDeg: number;
  azimuthDeg: number;
  rangeKm: number;
  /** d(range)/dt, positive when receding. */
  rangeRateKmS: number;
  sunElevationDeg: number;
  /** Sub-satellite point, for the ground-track map. */
  satLatitudeDeg: number;
  satLongitudeDeg: number;
  satAltitudeKm: number;
}

export interface PassSummary {
  station: string;
  satellite: string;
  /** ISO-8601 UTC times. */
  aos: string;
  tca: string;
  los: string;
  maxElevationDeg: number;
  minRangeKm: number;
  durationS: number;
  night: boolean;
  sunElevationDegAtTca: number;
}

/** The per-slot geometry of one pass: what the link model consumes next. */
export interface PassGeometry {
  summary: PassSummary;
  stepS: number;
  samples: GeometrySample[];
}

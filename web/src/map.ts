/** World map with a ground track, drawn as SVG with d3-geo from bundled world-atlas data (no network). */
import { geoCircle, geoOrthographic, geoPath, geoGraticule10 } from 'd3-geo';
import { feature } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import countries110 from 'world-atlas/countries-110m.json';

const NS = 'http://www.w3.org/2000/svg';

export interface TrackPoint {
  latitudeDeg: number;
  longitudeDeg: number;
  /** Above the station's minimum elevation (drawn bold); the rest is context (dashed). */
  inPass?: boolean;
}

export function drawMap(
  parent: HTMLElement,
  track: TrackPoint[],
  station: { name: string; latitudeDeg: number; longitudeDeg: number },
): MapHandle {
  parent.innerHTML = '';
  const width = Math.max(300, parent.clientWidth || 640);
  const height = Math.round(width * 0.52);
  const topo = countries110 as unknown as Topology<{ countries: GeometryCollection }>;
  const land = feature(topo, topo.objects.countries);
  // A globe seen from above the station, zoomed so the whole track fits with some context around it.
  const projection = geoOrthographic().rotate([-station.longitudeDeg, -station.latitudeDeg]).clipAngle(90);
  const extent: GeoJSON.Feature = {
    type: 'Feature',
    properties: {},
    geometry: {
      type: 'MultiPoint',
      coordinates: [[station.longitudeDeg, station.latitudeDeg], ...track.filter((p) => p.inPass ?? true).map((p) => [p.longitudeDeg, p.latitudeDeg])],
    },
  };
  projection.fitExtent([[40, 30], [width - 40, height - 30]], extent);
  projection.scale(projection.scale() * 0.6);
  projection.translate([width / 2, height / 2]);
  const [cx, cy] = projection([station.longitudeDeg, station.latitudeDeg]) ?? [width / 2, height / 2];
  const t = projection.translate();
  projection.translate([t[0] + width / 2 - cx, t[1] + height / 2 - cy]);
  const path = geoPath(projection);

  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('class', 'map');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `Ground track over ${station.name}`);

  const add = (d: string | null, cls: string) => {
    if (!d) return;
    const p = document.createElementNS(NS, 'path');
    p.setAttribute('d', d);
    p.setAttribute('class', cls);
    svg.appendChild(p);
  };
  add(path({ type: 'Sphere' }), 'sphere');
  add(path(geoGraticule10()), 'graticule');
  add(path(land), 'land');
  const line = (pts: TrackPoint[]) => path({ type: 'LineString', coordinates: pts.map((p) => [p.longitudeDeg, p.latitudeDeg]) });
  if (track.length > 1) add(line(track), 'track-context');
  const visible = track.filter((p) => p.inPass ?? true);
  if (visible.length > 1) add(line(visible), 'track');
  const xy = projection([station.longitudeDeg, station.latitudeDeg]);
  if (xy) {
    const c = document.createElementNS(NS, 'circle');
    c.setAttribute('cx', String(xy[0]));
    c.setAttribute('cy', String(xy[1]));
    c.setAttribute('r', '5');
    c.setAttribute('class', 'station');
    svg.appendChild(c);
    const t = document.createElementNS(NS, 'text');
    t.setAttribute('x', String(xy[0] + 8));
    t.setAttribute('y', String(xy[1] - 8));
    t.setAttribute('class', 'station-label');
    t.textContent = station.name;
    svg.appendChild(t);
  }
  const footprint = document.createElementNS(NS, 'path');
  footprint.setAttribute('class', 'footprint');
  const sat = document.createElementNS(NS, 'circle');
  sat.setAttribute('r', '6');
  sat.setAttribute('class', 'satellite');
  sat.setAttribute('id', 'map-satellite');
  svg.append(footprint, sat);
  parent.appendChild(svg);
  return {
    svg,
    setSatellite(latitudeDeg: number, longitudeDeg: number, footprintDeg: number) {
      const p = projection([longitudeDeg, latitudeDeg]);
      if (!p) return;
      sat.setAttribute('cx', p[0].toFixed(1));
      sat.setAttribute('cy', p[1].toFixed(1));
      footprint.setAttribute('d', path(geoCircle().center([longitudeDeg, latitudeDeg]).radius(footprintDeg)()) ?? '');
    },
    addStation(name: string, latitudeDeg: number, longitudeDeg: number) {
      const p = projection([longitudeDeg, latitudeDeg]);
      // a point on the far side of the globe is clipped (projection gives its mirror otherwise)
      if (!p || !path({ type: 'Point', coordinates: [longitudeDeg, latitudeDeg] })) return;
      const c = document.createElementNS(NS, 'circle');
      c.setAttribute('cx', p[0].toFixed(1));
      c.setAttribute('cy', p[1].toFixed(1));
      c.setAttribute('r', '3');
      c.setAttribute('class', 'other-station');
      const t = document.createElementNS(NS, 'title');
      t.textContent = name;
      c.appendChild(t);
      svg.insertBefore(c, footprint);
    },
    addCircle(latitudeDeg: number, longitudeDeg: number, radiusDeg: number, cls: string) {
      const c = document.createElementNS(NS, 'path');
      c.setAttribute('class', cls);
      c.setAttribute('d', path(geoCircle().center([longitudeDeg, latitudeDeg]).radius(radiusDeg)()) ?? '');
      svg.insertBefore(c, footprint);
    },
  };
}

export interface MapHandle {
  svg: SVGSVGElement;
  /** Move the satellite marker and its footprint (ground half-angle in degrees of arc). */
  setSatellite(latitudeDeg: number, longitudeDeg: number, footprintDeg: number): void;
  /** Another station of the mission (a small dot with its name as tooltip). */
  addStation(name: string, latitudeDeg: number, longitudeDeg: number): void;
  /** A small circle on the sphere (e.g. a station's visibility circle). */
  addCircle(latitudeDeg: number, longitudeDeg: number, radiusDeg: number, cls: string): void;
}

const EARTH_RADIUS_KM = 6371;

/**
 * Earth-central angle (degrees) of the circle from which a satellite at `altitudeKm` is seen
 * above `elevationDeg`: λ = arccos(R·cos ε / (R + h)) − ε (spherical Earth; Wertz, Space Mission
 * Analysis and Design, eq. 5-26).
 */
export function coverageAngleDeg(altitudeKm: number, elevationDeg: number): number {
  const e = (elevationDeg * Math.PI) / 180;
  return ((Math.acos((EARTH_RADIUS_KM * Math.cos(e)) / (EARTH_RADIUS_KM + altitudeKm)) - e) * 180) / Math.PI;
}

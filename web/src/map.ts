/** World map with a ground track, drawn as SVG with d3-geo from bundled world-atlas data (no network). */
import { geoOrthographic, geoPath, geoGraticule10 } from 'd3-geo';
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
): SVGSVGElement {
  parent.innerHTML = '';
  const width = Math.max(480, parent.clientWidth || 640);
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
  parent.appendChild(svg);
  return svg;
}

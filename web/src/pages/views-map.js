// The countries of an action day on a map: SVG paths from d3-geo, shapes from
// our own server (/assets/world.json: Natural Earth 1:50m as TopoJSON keyed by
// ISO 3166-1 numeric code; /assets/countries.json: alpha-2 -> numeric).
import { geoMercator, geoPath, geoCentroid } from 'd3-geo';
import { feature } from 'topojson-client';
import { s } from '../ui.js';

let shapes = null;
async function loadShapes(signal) {
  if (!shapes) {
    shapes = (async () => {
      const get = async (u) => {
        const r = await fetch(u, { signal, credentials: 'same-origin' });
        if (!r.ok) throw new Error(u + ': HTTP ' + r.status);
        return r.json();
      };
      const [world, codes] = await Promise.all([get('/assets/world.json'), get('/assets/countries.json')]);
      const fc = feature(world, world.objects.countries);
      return { features: fc.features, codes };
    })();
    shapes.catch(() => { shapes = null; });
  }
  return shapes;
}

// Draws the map into svg (replacing its content): countries {code: state},
// fill(state) -> colour, labelOf(code, state) -> short text drawn at the centroid.
export async function drawMap(svg, countries, fill, labelOf, signal) {
  const { features, codes } = await loadShapes(signal);
  const W = 600, H = 420;
  const byCode = {};
  for (const c of Object.keys(countries)) {
    const n = codes[c];
    const f = n && features.find((x) => String(x.id) === String(n));
    if (f) byCode[c] = f;
  }
  const involved = Object.values(byCode);
  const projection = geoMercator();
  if (involved.length) {
    projection.fitExtent([[40, 30], [W - 40, H - 30]], { type: 'FeatureCollection', features: involved });
  } else {
    projection.fitSize([W, H], { type: 'FeatureCollection', features });
  }
  projection.clipExtent([[0, 0], [W, H]]);
  const path = geoPath(projection);
  const inv = new Set(involved);
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.replaceChildren(
    s('rect', { x: 0, y: 0, width: W, height: H, class: 'sea' }),
    s('g', { class: 'land' }, features.filter((f) => !inv.has(f)).map((f) => {
      const d = path(f);
      return d ? s('path', { d }) : null;
    })),
    s('g', { class: 'involved' }, Object.entries(byCode).map(([code, f]) =>
      s('path', { d: path(f), fill: fill(countries[code]), 'data-country': code, 'data-state': countries[code] }))),
    s('g', { class: 'map-labels' }, placeLabels(Object.entries(byCode).map(([code, f]) => {
      const [x, y] = projection(geoCentroid(f)) || [0, 0];
      return { code, x, y, lx: x, ly: y };
    })).map((l) => {
      const txt = labelOf(l.code, countries[l.code]);
      const moved = Math.hypot(l.lx - l.x, l.ly - (l.y - 14)) > 6;
      return s('g', { 'data-label': l.code },
        s('circle', { cx: l.x.toFixed(1), cy: l.y.toFixed(1), r: 2.5, class: 'dot' }),
        moved && s('line', { x1: l.x.toFixed(1), y1: l.y.toFixed(1), x2: l.lx.toFixed(1), y2: (l.ly - 4).toFixed(1), class: 'leader' }),
        s('text', { class: 'halo', 'text-anchor': 'middle', x: l.lx.toFixed(1), y: (l.ly + 4).toFixed(1) }, txt),
        s('text', { 'text-anchor': 'middle', x: l.lx.toFixed(1), y: (l.ly + 4).toFixed(1) }, txt));
    })));
}

// Moves labels apart so that none overlaps another (a few countries at most).
function placeLabels(ls) {
  for (const l of ls) l.ly -= 14;
  for (let it = 0; it < 60; it++) {
    let moved = false;
    for (let i = 0; i < ls.length; i++) for (let j = i + 1; j < ls.length; j++) {
      const a = ls[i], b = ls[j];
      const dx = b.lx - a.lx, dy = b.ly - a.ly;
      if (Math.abs(dx) < 52 && Math.abs(dy) < 20) {
        const push = (20 - Math.abs(dy)) / 2 + 0.5, sx = (52 - Math.abs(dx)) / 4;
        const sy = dy >= 0 ? 1 : -1, sgx = dx >= 0 ? 1 : -1;
        a.ly -= sy * push; b.ly += sy * push;
        a.lx -= sgx * sx; b.lx += sgx * sx;
        moved = true;
      }
    }
    if (!moved) break;
  }
  return ls;
}

// Recolours and relabels the countries of a drawn map after a change of state.
export function updateMap(svg, countries, fill, labelOf) {
  for (const [code, state] of Object.entries(countries)) {
    const p = svg.querySelector(`path[data-country="${code}"]`);
    if (p) { p.setAttribute('fill', fill(state)); p.setAttribute('data-state', state); }
    const g = svg.querySelector(`g[data-label="${code}"]`);
    if (g) for (const tx of g.querySelectorAll('text')) tx.textContent = labelOf(code, state);
  }
}

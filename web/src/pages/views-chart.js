// A horizontal bar chart drawn as SVG by hand, with its title, axis labels
// and the same figures as a table (the chart's text alternative).
import { t } from '../strings.js';
import { h, s, table } from '../ui.js';
import { num } from './views-common.js';

let seq = 0;

// rows: [{key, label, value}]; opts: {title, xLabel, yLabel}.
export function barChart(rows, opts) {
  const id = 'chart-' + (++seq);
  const labelW = 210, barW = 360, padR = 48, rowH = 28, top = 12, axisH = 46;
  const W = labelW + barW + padR;
  const H = top + Math.max(rows.length, 1) * rowH + axisH;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const step = niceStep(max);
  const top_ = Math.ceil(max / step) * step;
  const x = (v) => labelW + (v / top_) * barW;
  const ticks = [];
  for (let v = 0; v <= top_; v += step) ticks.push(v);

  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img',
    'aria-labelledby': id + '-t', 'aria-describedby': id + '-d', preserveAspectRatio: 'xMinYMin meet' },
  s('title', { id: id + '-t' }, opts.title),
  s('desc', { id: id + '-d' }, rows.map((r) => r.label + ': ' + r.value).join('; ')),
  // grid and x axis
  ticks.map((v) => s('g', { class: 'tick' },
    s('line', { x1: x(v), x2: x(v), y1: top, y2: top + rows.length * rowH, class: 'grid' }),
    s('text', { x: x(v), y: top + rows.length * rowH + 16, 'text-anchor': 'middle' }, num(v)))),
  s('line', { x1: labelW, x2: labelW + barW, y1: top + rows.length * rowH, y2: top + rows.length * rowH, class: 'axis' }),
  s('line', { x1: labelW, x2: labelW, y1: top, y2: top + rows.length * rowH, class: 'axis' }),
  s('text', { x: labelW + barW / 2, y: H - 6, 'text-anchor': 'middle', class: 'axis-label' }, opts.xLabel),
  s('text', { x: 12, y: top + (rows.length * rowH) / 2, 'text-anchor': 'middle', class: 'axis-label',
    transform: `rotate(-90 12 ${top + (rows.length * rowH) / 2})` }, opts.yLabel),
  rows.map((r, i) => {
    const y = top + i * rowH;
    const short = r.label.length > 28 ? r.label.slice(0, 27) + '…' : r.label;
    return s('g', { class: 'bar', 'data-key': r.key, 'data-value': r.value },
      s('title', r.label + ': ' + r.value),
      s('text', { x: labelW - 6, y: y + rowH / 2 + 4, 'text-anchor': 'end', class: 'cat' }, short),
      s('rect', { x: labelW, y: y + 4, width: Math.max(0, x(r.value) - labelW), height: rowH - 8 }),
      s('text', { x: x(r.value) + 4, y: y + rowH / 2 + 4, class: 'val' }, num(r.value)));
  }));

  const data = table([
    { label: opts.yLabel, cell: (r) => r.label },
    { label: opts.xLabel, cell: (r) => num(r.value), class: 'num' },
  ], rows, { label: t('stats.tableof', { title: opts.title }) });
  return { svg, data, id };
}

function niceStep(max) {
  const raw = max / 5;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const m = raw / p;
  const step = (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  return Math.max(1, Math.round(step));
}

'use strict';
// The StyleFarm dashboard: a page per hash route, fed by the REST API with the operator's API key, kept live by
// the server-sent events of /v1/stream. No build step: plain modern JavaScript.

const main = document.getElementById('main');
const KEY = 'stylefarm-key';
let stream = null;        // the open live-update reader
let latestJobs = [];      // the newest jobs, from the stream
let pageTimer = null;     // a page's own refresh (tasks, pictures)
const listeners = new Set();

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null) node.setAttribute(k, v);
  }
  for (const c of children.flat()) node.append(c instanceof Node ? c : document.createTextNode(c ?? ''));
  return node;
}

async function api(path, options = {}) {
  const response = await fetch(path, {...options, headers: {'Authorization': 'Bearer ' + sessionStorage.getItem(KEY),
    ...(options.headers || {})}});
  if (response.status === 401) { signOut(); throw new Error('signed out'); }
  const body = response.status === 204 ? null : await response.json();
  if (!response.ok) throw new Error(body && body.detail ? body.detail : response.statusText);
  return body;
}

function age(iso) {
  if (!iso) return '';
  return duration((Date.now() - Date.parse(iso)) / 1000);
}

function duration(s) {
  if (s === null || s === undefined || !isFinite(s)) return '';
  if (s < 60) return s.toFixed(s < 10 ? 1 : 0) + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min ' + Math.round(s % 60) + ' s';
  return Math.floor(s / 3600) + ' h ' + Math.round((s % 3600) / 60) + ' min';
}

/** Items per second since the job started, and the time left at that rate. */
function pace(job) {
  if (!job.started_at || !job.items) return {rate: null, eta: null};
  const end = job.finished_at ? Date.parse(job.finished_at) : Date.now();
  const seconds = (end - Date.parse(job.started_at)) / 1000;
  const rate = seconds > 0 ? job.items.done / seconds : null;
  const left = job.items.total - job.items.done;
  return {rate, eta: rate > 0 && !job.finished_at ? left / rate : null};
}

function bar(progress) {
  return el('span', {class: 'bar', title: (100 * progress).toFixed(1) + ' %'},
    el('span', {style: 'width:' + (100 * progress).toFixed(1) + '%'}));
}

function stateCell(state) {
  return el('span', {class: 'state ' + state}, state);
}

// ---- live updates: the SSE stream read with fetch, so that it carries the Authorization header ----
async function openStream() {
  if (stream) return;
  const controller = new AbortController();
  stream = controller;
  try {
    const response = await fetch('/v1/stream', {headers: {'Authorization': 'Bearer ' + sessionStorage.getItem(KEY),
      'Accept': 'text/event-stream'}, signal: controller.signal});
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const {value, done} = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, {stream: true});
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = event.split('\n').filter(l => l.startsWith('data:')).map(l => l.slice(5)).join('\n');
        if (data) {
          latestJobs = JSON.parse(data);
          listeners.forEach(f => f(latestJobs));
        }
      }
    }
  } catch (e) {
    // Aborted on sign-out, or the gateway went away: retry while signed in.
  }
  stream = null;
  if (sessionStorage.getItem(KEY)) setTimeout(openStream, 2000);
}

// ---- pages ----
let meta = null;          // the API's vocabulary: job states, task states, kinds

async function jobsPage() {
  meta = meta || await api('/v1/meta');
  const state = el('select', {id: 'filter-state'}, el('option', {value: ''}, 'any state'),
    ...meta.job_states.map(s => el('option', {value: s}, s)));
  const kind = el('select', {id: 'filter-kind'}, el('option', {value: ''}, 'any kind'),
    ...meta.job_kinds.map(k => el('option', {value: k}, k)));
  const tenant = el('input', {id: 'filter-tenant', placeholder: 'tenant'});
  const body = el('tbody');
  const table = el('table', {id: 'jobs'}, el('thead', {}, el('tr', {}, ['job', 'kind', 'tenant', 'priority', 'state',
    'progress', 'items/s', 'ETA', 'age'].map(h => el('th', {}, h)))), body);
  main.replaceChildren(el('h1', {}, 'Jobs'), el('div', {class: 'filters'}, state, kind, tenant), table);
  let jobs = [];
  const render = () => {
    const shown = jobs.filter(j => (!state.value || j.state === state.value) && (!kind.value || j.kind === kind.value)
      && (!tenant.value || j.tenant === tenant.value));
    body.replaceChildren(...shown.map(j => {
      const {rate, eta} = pace(j);
      return el('tr', {'data-job': j.id},
        el('td', {}, el('a', {href: '#/jobs/' + j.id}, j.id.slice(0, 8))), el('td', {}, j.kind), el('td', {}, j.tenant),
        el('td', {}, String(j.priority)), el('td', {}, stateCell(j.state)),
        el('td', {}, bar(j.progress), ' ', j.items ? j.items.done + ' / ' + j.items.total : ''),
        el('td', {}, rate === null ? '' : rate.toFixed(1)), el('td', {}, duration(eta)), el('td', {}, age(j.created_at)));
    }));
  };
  [state, kind].forEach(s => s.addEventListener('change', load));
  tenant.addEventListener('change', load);
  async function load() {
    const query = new URLSearchParams({limit: '100'});
    if (state.value) query.set('state', state.value);
    if (kind.value) query.set('kind', kind.value);
    if (tenant.value) query.set('tenant', tenant.value);
    try {
      jobs = (await api('/v1/jobs?' + query)).items;
    } catch (e) {
      jobs = [];
      main.append(el('p', {class: 'muted'}, e.message));
    }
    render();
  }
  await load();
  // Live: the stream carries the newest jobs; merge them in place, and add new ones at the top.
  listeners.add(live => {
    const byId = new Map(jobs.map(j => [j.id, j]));
    live.forEach(j => byId.set(j.id, j));
    jobs = [...byId.values()].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
    render();
  });
}

async function jobPage(id) {
  let job = await api('/v1/jobs/' + id);
  const header = el('div');
  const actions = el('div', {class: 'actions'});
  const grid = el('div', {class: 'grid', id: 'task-grid'});
  const counts = el('p', {class: 'muted'});
  const taskBody = el('tbody');
  const taskDetail = el('div', {id: 'task-detail'});
  const thumbs = el('div', {class: 'thumbs', id: 'thumbs'});
  const media = el('div', {id: 'media'});
  const downloads = el('ul', {id: 'downloads'});
  main.replaceChildren(el('h1', {}, 'Job ', el('code', {}, id)), header, actions, media,
    el('details', {id: 'spec-box'}, el('summary', {}, 'Spec'), el('pre', {id: 'spec'}, JSON.stringify(job.spec, null, 2))),
    el('h2', {}, 'Downloads'), downloads, el('h2', {}, 'Latest outputs'), thumbs, el('h2', {}, 'Tasks'), counts, grid,
    taskDetail,
    el('table', {id: 'tasks'}, el('thead', {}, el('tr', {}, ['task', 'covers', 'state', 'attempts', 'worker',
      'duration', 'error'].map(h => el('th', {}, h)))), taskBody));
  const control = (action, label, request) => el('button', {id: action, onclick: async () => {
    try { job = await request(); renderHeader(); refresh().catch(() => {}); }
    catch (e) { alert(e.message); }
  }}, label);
  const post = action => () => api('/v1/jobs/' + id + '/' + action, {method: 'POST'});
  const renderHeader = () => {
    const {rate, eta} = pace(job);
    header.replaceChildren(el('p', {}, job.kind, ' · model ', job.model, ' · tenant ', job.tenant, ' · priority ',
      el('span', {id: 'job-priority'}, String(job.priority)), ' · ', stateCell(job.state), ' · created ',
      age(job.created_at), ' ago'),
      el('p', {id: 'job-progress'}, bar(job.progress), ' ', job.items ? job.items.done + ' / ' + job.items.total : '',
        rate ? ' · ' + rate.toFixed(1) + ' items/s' : '', eta ? ' · ETA ' + duration(eta) : ''),
      job.error ? el('p', {class: 'error'}, job.error) : '');
    // The buttons are the job's allowed actions: redrawn only when those change, so a click never lands on a redraw.
    const allowed = job.actions || [];
    if (actions.dataset.allowed === allowed.join(',')) return;
    actions.dataset.allowed = allowed.join(',');
    const priority = el('select', {id: 'priority-select'}, ...Array.from({length: 10}, (_, p) =>
      el('option', {value: String(p)}, String(p))));
    priority.value = String(job.priority);
    actions.replaceChildren(
      allowed.includes('pause') ? control('pause', 'Pause', post('pause')) : '',
      allowed.includes('resume') ? control('resume', 'Resume', post('resume')) : '',
      allowed.includes('requeue') ? control('requeue', 'Requeue failed tasks', post('requeue')) : '',
      allowed.includes('cancel') ? control('cancel', 'Cancel', post('cancel')) : '',
      allowed.includes('priority') ? el('span', {}, ' priority ', priority, control('set-priority', 'Set',
        () => api('/v1/jobs/' + id, {method: 'PATCH', headers: {'Content-Type': 'application/json'},
          body: JSON.stringify({priority: Number(priority.value)})}))) : '',
      allowed.includes('retry') ? el('button', {id: 'retry', onclick: async () => {
        try { const again = await api('/v1/jobs/' + id + '/retry', {method: 'POST'}); location.hash = '#/jobs/' + again.id; }
        catch (e) { alert(e.message); }
      }}, 'Retry as a new job') : '');
  };
  const showTask = async index => {
    const t = await api('/v1/jobs/' + id + '/tasks/' + index);
    taskDetail.replaceChildren(el('h3', {}, 'Task ' + t.index + ' · ' + t.range + ' · ', stateCell(t.state)),
      el('table', {id: 'attempts'}, el('thead', {}, el('tr', {}, ['attempt', 'worker', 'started', 'outcome', 'error']
        .map(h => el('th', {}, h)))), el('tbody', {}, ...t.attempts.map(a => el('tr', {},
        el('td', {}, String(a.attempt)), el('td', {}, a.worker || ''), el('td', {}, a.started_at ? age(a.started_at)
          + ' ago' : ''), el('td', {}, a.outcome), el('td', {class: 'error'}, a.error || ''))))),
      el('details', {}, el('summary', {}, 'Task spec'), el('pre', {}, JSON.stringify(t.spec, null, 2))));
  };
  const refresh = async () => {
    const [tasks, pictures, outputs] = await Promise.all([api('/v1/jobs/' + id + '/tasks?limit=2000'),
      api('/v1/jobs/' + id + '/pictures?limit=12'), api('/v1/jobs/' + id + '/artifacts?limit=200')]);
    counts.textContent = Object.entries(tasks.counts).map(([s, n]) => s + ' ' + n).join(' · ')
      + (tasks.truncated ? ' (the first 2,000 shown)' : '');
    grid.replaceChildren(...tasks.tasks.map(t => el('i', {class: t.state, title: 'task ' + t.index + ' (' + t.range
      + '): ' + t.state + (t.worker ? ' on ' + t.worker : '') + (t.error ? ' — ' + t.error : ''),
      onclick: () => showTask(t.index)})));
    taskBody.replaceChildren(...tasks.tasks.slice(0, 200).map(t => el('tr', {'data-task': t.index,
      onclick: () => showTask(t.index)}, el('td', {}, String(t.index)), el('td', {}, t.range),
      el('td', {}, stateCell(t.state)), el('td', {}, String(t.attempt)), el('td', {}, t.worker || ''),
      el('td', {}, duration(t.seconds)), el('td', {class: 'error'}, t.error || ''))));
    // What the job made as a whole (manifest, dataset card, shards, grid, video, reports), each a download link.
    const perItem = new Set(['image', 'frame', 'cell', 'projection', 'target', 'projected_w', 'projected_noise',
      'metrics', 'projection_video']);
    const files = outputs.items.filter(a => !perItem.has(a.kind));
    downloads.replaceChildren(...files.map(a => el('li', {}, el('a', {href: a.url, download: ''},
      a.key.slice(a.key.lastIndexOf('/') + 1)), ' · ' + a.kind + ' · ' + a.bytes + ' bytes')),
      el('li', {}, 'every output: ', el('code', {}, './farm download ' + id)));
    const shown = new Set([...thumbs.querySelectorAll('img')].map(i => i.dataset.key));
    if (pictures.some(p => !shown.has(p.key)) || pictures.length !== shown.size) {
      thumbs.replaceChildren(...pictures.map(p => el('a', {href: p.url, target: '_blank'},
        el('img', {class: 'thumb', src: p.url, alt: p.key, title: p.key, 'data-key': p.key}))));
    }
    if (['project', 'calibrate'].includes(job.kind)) await projectionReport(id, job, media);
    const video = files.find(a => a.kind === 'video');
    if (video && !media.querySelector('video')) {
      media.replaceChildren(el('h2', {}, 'Video'), el('video', {id: 'video', src: video.url, controls: '',
        loop: '', muted: '', autoplay: '', playsinline: ''}));
    }
  };
  renderHeader();
  await refresh();
  listeners.add(live => {
    const mine = live.find(j => j.id === id);
    if (mine) { job = mine; renderHeader(); }
  });
  pageTimer = setInterval(() => { if (job.live || !thumbs.childElementCount) refresh().catch(() => {}); }, 2000);
}

// The projection report: each target beside its projection, with distance, PSNR and verdict; a calibration's ROC
// summary once it is done. Fetched and redrawn only when a target has finished or the job has ended since.
async function projectionReport(id, job, media) {
  const version = (job.items ? job.items.done : 0) + ' ' + job.state;
  if (media.dataset.version === version) return;
  const report = await api('/v1/jobs/' + id + '/projections');
  media.dataset.version = version;
  const num = (v, digits) => typeof v === 'number' ? v.toPrecision(digits) : '';
  const verdict = v => !v ? '' : v.status === 'uncalibrated' ? 'uncalibrated'
    : v.generated_by_model ? 'made by this model' : 'not made by this model';
  const picture = (url, alt) => url ? el('a', {href: url, target: '_blank'}, el('img', {class: 'pair', src: url, alt}))
    : '';
  const c = report.calibration;
  media.replaceChildren(el('h2', {}, 'Projection report'),
    c ? el('p', {id: 'calibration'}, 'AUC ', num(c.auc, 3), ' · threshold ', num(c.threshold, 4),
      ' · false positives ', (100 * c.fpr).toFixed(1), ' % · true positives ', (100 * c.tpr).toFixed(1), ' %',
      ' · median distance: made ', num(c.distances.positives.median, 3), ', not made ',
      num(c.distances.negatives.median, 3)) : '',
    el('table', {id: 'projections'}, el('thead', {}, el('tr', {}, ['#', 'target', 'label', 'target image',
      'projection', 'distance', 'PSNR', 'verdict'].map(h => el('th', {}, h)))),
    el('tbody', {}, ...report.targets.map(t => el('tr', {}, el('td', {}, String(t.index)), el('td', {}, t.target || ''),
      el('td', {}, t.label || ''), el('td', {}, picture(t.target_url, 'target ' + t.index)),
      el('td', {}, picture(t.projection_url, 'projection ' + t.index),
        t.video_url ? el('a', {href: t.video_url, target: '_blank'}, ' video') : ''),
      el('td', {}, num(t.distance, 4)), el('td', {}, t.psnr ? t.psnr.toFixed(1) + ' dB' : ''),
      el('td', {class: 'verdict'}, verdict(t.verdict)))))));
}

async function workersPage() {
  main.replaceChildren(el('h1', {}, 'Workers'));
  let workers;
  try { workers = await api('/v1/workers'); } catch (e) { main.append(el('p', {class: 'muted'}, e.message)); return; }
  const toggle = w => el('button', {class: 'drain', onclick: async () => {
    try { await api('/v1/workers/' + encodeURIComponent(w.id) + '/drain', {method: w.status === 'active' ? 'POST' : 'DELETE'}); }
    catch (e) { alert(e.message); }
    workersPage();
  }}, w.status === 'active' ? 'Drain' : 'Undrain');
  main.append(el('table', {id: 'workers'}, el('thead', {}, el('tr', {}, ['worker', 'status', 'device', 'models (24 h)',
    'current task', 'images/s (5 min)', 'heartbeat age', 'failures (1 h)', ''].map(h => el('th', {}, h)))),
    el('tbody', {}, workers.map(w => el('tr', {'data-worker': w.id}, el('td', {}, w.id),
      el('td', {class: 'status'}, w.status),
      el('td', {}, (w.device_kind || '') + (w.device_name ? ' · ' + w.device_name : '')), el('td', {}, w.models.join(', ')),
      el('td', {}, w.current_job ? el('a', {href: '#/jobs/' + w.current_job}, w.current_job.slice(0, 8) + ' #' + w.current_task) : 'idle'),
      el('td', {}, w.images_per_second.toFixed(1)), el('td', {}, duration(w.heartbeat_age_seconds)),
      el('td', {}, String(w.failures_last_hour)), el('td', {}, toggle(w)))))));
}

async function queuesPage() {
  main.replaceChildren(el('h1', {}, 'Queues'));
  let q;
  try { q = await api('/v1/queues'); } catch (e) { main.append(el('p', {class: 'muted'}, e.message)); return; }
  main.append(el('table', {id: 'lag'}, el('thead', {}, el('tr', {}, ['topic', 'consumer group', 'lag']
      .map(h => el('th', {}, h)))), el('tbody', {}, q.lag.map(l => el('tr', {}, el('td', {}, l.topic),
      el('td', {}, l.group), el('td', {}, String(l.messages)))))),
    el('h2', {}, 'Dead letters: ', el('span', {id: 'dlq-count'}, String(q.dead_letters))),
    el('table', {id: 'dlq'}, el('thead', {}, el('tr', {}, ['when', 'from', 'consumer', 'reason']
      .map(h => el('th', {}, h)))), el('tbody', {}, q.latest_dead_letters.map(d => el('tr', {},
      el('td', {}, age(d.at) + ' ago'), el('td', {}, d.origin_topic || ''), el('td', {}, d.consumer || ''),
      el('td', {class: 'error'}, d.reason || ''))))));
}

/** A line chart of one series per minute, drawn as SVG. */
function chart(id, values, label) {
  const w = 600, h = 200, max = Math.max(1e-9, ...values);
  const points = values.map((v, i) => (i * w / (values.length - 1)).toFixed(1) + ',' + (h - v / max * (h - 20)).toFixed(1));
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
  svg.setAttribute('class', 'chart');
  svg.setAttribute('id', id);
  svg.innerHTML = '<polyline fill="none" stroke="#3c7bf0" stroke-width="2" points="' + points.join(' ') + '"/>'
    + '<text x="4" y="14" font-size="12" fill="#556">' + label + ' (max ' + max.toFixed(2) + ')</text>'
    + '<text x="4" y="' + (h - 4) + '" font-size="11" fill="#889">60 min ago</text>'
    + '<text x="' + (w - 4) + '" y="' + (h - 4) + '" font-size="11" fill="#889" text-anchor="end">now</text>';
  return svg;
}

async function throughputPage() {
  const t = await api('/v1/throughput');
  main.replaceChildren(el('h1', {}, 'Throughput, last hour'),
    el('h2', {}, 'Items per second'), chart('throughput-chart', t.items.map(n => n / 60), 'items/s per minute'),
    el('h2', {}, 'Failed attempts per minute'), chart('failures-chart', Array.from(t.failures), 'failures'));
}

// ---- sign-in and routing ----
function signIn() {
  document.getElementById('nav').hidden = true;
  const key = el('input', {id: 'key', type: 'password', placeholder: 'sfk_…', autocomplete: 'off'});
  const note = el('p', {class: 'muted'});
  main.replaceChildren(el('form', {class: 'login', onsubmit: async e => {
    e.preventDefault();
    sessionStorage.setItem(KEY, key.value.trim());
    try { await api('/v1/jobs?limit=1'); route(); } catch (err) { note.textContent = err.message; }
  }}, el('h1', {}, 'Sign in'), el('p', {}, 'Your StyleFarm API key (kept in this tab only):'), key,
    el('button', {id: 'signin', type: 'submit'}, 'Sign in'), note));
}

function signOut() {
  sessionStorage.removeItem(KEY);
  if (stream) stream.abort();
  signIn();
}
document.getElementById('signout').addEventListener('click', signOut);

async function route() {
  if (!sessionStorage.getItem(KEY)) { signIn(); return; }
  document.getElementById('nav').hidden = false;
  listeners.clear();
  clearInterval(pageTimer);
  openStream();
  const hash = location.hash || '#/jobs';
  document.querySelectorAll('nav a').forEach(a => a.classList.toggle('active', hash.startsWith(a.getAttribute('href'))));
  const [, page, id] = hash.split('/');
  try {
    if (page === 'jobs' && id) await jobPage(id);
    else if (page === 'workers') await workersPage();
    else if (page === 'queues') await queuesPage();
    else if (page === 'throughput') await throughputPage();
    else await jobsPage();
  } catch (e) {
    main.replaceChildren(el('p', {class: 'muted'}, e.message));
  }
}
window.addEventListener('hashchange', route);
route();

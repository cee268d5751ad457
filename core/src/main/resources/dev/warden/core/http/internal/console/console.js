// Warden's web console: plain JavaScript, no library. Everything shown from the node goes into the
// page as text nodes (never innerHTML): job ids, payloads and failure messages are hostile input.
'use strict';
(function () {
  const TOKEN_KEY = 'warden.token';
  const STATUSES = ['PENDING', 'WAITING_FOR_PARENT', 'RUNNING', 'RETRY_WAIT', 'BLOCKED_BY_PARENT', 'SUCCEEDED', 'GAVE_UP', 'CANCELLED'];
  const WINDOW_MS = 5 * 60 * 1000;
  const $ = (id) => document.getElementById(id);
  const console_ = window.wardenConsole = { treeRenderedMs: null, snapshots: 0 };
  let snap = null;
  let seen = {};            // kind name -> its counters as JSON, to refresh a panel only when its kind changed
  const samples = {};       // trial worker path -> [{t, rss, age}]
  let jobsCursor = null;    // cursor of the page shown (null: the first page)

  // ---- small helpers ----

  function h(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, String(v));
    }
    for (const c of children.flat()) {
      if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
    }
    return e;
  }
  const svg = (tag, attrs) => {
    const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    return e;
  };
  const fill = (el, rows) => el.replaceChildren(...rows);
  const clip = (s, n) => (s && s.length > n ? s.slice(0, n) + '…' : s || '');
  const time = (ms) => (ms ? new Date(ms).toLocaleTimeString() : '');
  function duration(ms) {
    const s = Math.floor(ms / 1000);
    if (s < 60) return s + 's';
    if (s < 3600) return Math.floor(s / 60) + 'm' + (s % 60) + 's';
    return Math.floor(s / 3600) + 'h' + Math.floor((s % 3600) / 60) + 'm';
  }
  function say(text) {
    const m = $('message');
    m.textContent = text || '';
    m.hidden = !text;
  }

  // ---- the API, with the bearer token from sessionStorage ----

  function headers(extra) {
    const all = Object.assign({}, extra);
    const t = sessionStorage.getItem(TOKEN_KEY);
    if (t) all.Authorization = 'Bearer ' + t;
    return all;
  }
  async function api(path, method) {
    const r = await fetch('/api/v1/' + path, { method: method || 'GET', headers: headers(), cache: 'no-store' });
    if (r.status === 401) {
      askToken();
      throw new Error('the node asks for its bearer token');
    }
    const body = await r.json().catch(() => ({}));
    if (!r.ok) {
      const e = new Error(body.error || 'HTTP ' + r.status);
      e.status = r.status;
      throw e;
    }
    return body;
  }
  function act(path, what) {
    api(path, 'POST').then(() => say(what + ': sent'), (e) => say(what + ': ' + e.message)).then(route);
  }
  function askToken() {
    $('token-form').hidden = false;
    $('token-input').focus();
    say('This node needs its bearer token (kept in this tab only, in sessionStorage).');
  }

  // ---- the live feed: server-sent events read with fetch, so the token goes in a header ----

  let feed = null;
  let retryMs = 1000;
  function setLive(text, on) {
    $('live').textContent = text;
    $('live').className = on ? 'live-on' : 'live-off';
  }
  async function connect() {
    if (feed) feed.abort();
    const ctl = new AbortController();
    feed = ctl;
    try {
      const r = await fetch('/api/v1/events', { headers: headers({ Accept: 'text/event-stream' }), signal: ctl.signal, cache: 'no-store' });
      if (r.status === 401) {
        setLive('token needed', false);
        askToken();
        return;
      }
      if (!r.ok || !r.body) throw new Error('HTTP ' + r.status);
      setLive('live', true);
      retryMs = 1000;
      const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value.replace(/\r\n?/g, '\n');
        let end;
        while ((end = buf.indexOf('\n\n')) >= 0) {
          const data = buf.slice(0, end).split('\n').filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).replace(/^ /, '')).join('\n');
          buf = buf.slice(end + 2);
          if (data) onSnapshot(JSON.parse(data));
        }
      }
    } catch (e) {
      if (ctl.signal.aborted) return;
    }
    if (feed !== ctl) return;
    setLive('reconnecting', false);
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 15000);
  }

  function onSnapshot(s) {
    snap = s;
    console_.snapshots++;
    $('node').textContent = 'node ' + s.node;
    renderTree();
    sampleTrials(s);
    loadTrialHistory(s);
    renderTrials();
    renderCounters();
    const changed = {};
    for (const [k, v] of Object.entries(s.kinds)) {
      const text = JSON.stringify(v.counters);
      changed[k] = seen[k] !== text;
      seen[k] = text;
    }
    if (changed.llm) refreshLlm();
    if (changed.graveyard) refreshGraveyard();
    if (changed.ledger && !$('view-jobs').hidden && jobsCursor === null) refreshJobs();
    if (changed.ledger && !$('view-job').hidden) refreshJob();
  }

  // ---- overview: the tree, DEGRADED kinds on top ----

  function ordered(nodes) {
    const groups = new Map();
    const top = [];
    for (const n of nodes) {
      if (n.depth === 0) { top.push(n); continue; }
      const kind = n.path.split('/').slice(0, 3).join('/');
      if (!groups.has(kind)) groups.set(kind, []);
      groups.get(kind).push(n);
    }
    const list = [...groups.values()];
    const degraded = (g) => (g.some((n) => n.state === 'DEGRADED') ? 0 : 1);
    list.sort((a, b) => degraded(a) - degraded(b) || a[0].path.localeCompare(b[0].path));
    list.forEach((g) => g.sort((x, y) => x.path.localeCompare(y.path, undefined, { numeric: true })));
    return top.concat(...list);
  }
  function uptime(n) {
    return n.state === 'RUNNING' || n.state === 'PAUSED' ? duration(Date.now() - n.startedAtMillis) : '';
  }
  function renderTree() {
    const rows = ordered(snap.nodes).map((n) => h('tr', { 'data-path': n.path, class: n.state === 'DEGRADED' ? 'degraded' : null },
      h('td', { style: null }, h('span', { class: 'indent-' + n.depth }, '\u00a0\u00a0'.repeat(n.depth)), n.name),
      h('td', {}, n.kind),
      h('td', {}, h('span', { class: 'state state-' + n.state }, n.state)),
      h('td', { class: 'num restarts' }, n.restartCount),
      h('td', { class: 'num uptime', 'data-started': n.startedAtMillis, 'data-state': n.state }, uptime(n)),
      h('td', { class: 'failure', title: n.lastFailure }, n.lastFailure ? time(n.lastFailureAtMillis) + ' ' + clip(n.lastFailure, 160) : ''),
      h('td', { class: 'muted' }, n.info),
      h('td', {}, n.depth === 1 ? h('button', { type: 'button', class: 'restart', onclick: () => act('kinds/' + encodeURIComponent(n.name) + '/restart', 'restart ' + n.name) }, 'restart') : null)));
    fill($('tree').tBodies[0], rows);
    if (console_.treeRenderedMs === null) {
      console_.treeRenderedMs = performance.now();
      document.body.setAttribute('data-tree', 'rendered');
    }
  }
  setInterval(() => {
    for (const td of document.querySelectorAll('#tree td.uptime')) {
      td.textContent = uptime({ state: td.dataset.state, startedAtMillis: Number(td.dataset.started) });
    }
  }, 1000);

  function renderCounters() {
    const parts = Object.entries(snap.kinds).filter(([, v]) => Object.keys(v.counters).length > 0)
      .map(([k, v]) => h('div', {}, h('strong', {}, k), ' ', Object.entries(v.counters).map(([c, n]) => c + '=' + n).join('  ')));
    fill($('counters'), [h('h2', {}, 'Counters'), ...parts]);
    const cp = snap.kinds.checkpointer && snap.kinds.checkpointer.counters;
    if (cp && cp['checkpoint-p50-ms'] !== undefined) {
      fill($('checkpoint'), [h('strong', {}, 'Checkpoints: '), 'p50 ' + cp['checkpoint-p50-ms'] + ' ms, p95 '
        + cp['checkpoint-p95-ms'] + ' ms, last ' + cp['checkpoint-last-ms'] + ' ms']);
    }
  }

  // ---- trial workers: RSS and age charts, last 5 minutes (the node's record, then the live feed) ----

  function sampleTrials(s) {
    const now = Date.now();
    for (const n of s.nodes) {
      const m = /rss=(\d+)MiB age=(\d+)s/.exec(n.info || '');
      if (!m) continue;
      const list = samples[n.path] || (samples[n.path] = []);
      list.push({ t: now, rss: Number(m[1]), age: Number(m[2]) });
      while (list.length && list[0].t < now - WINDOW_MS) list.shift();
    }
  }
  // the minutes before this page opened, once, from the trial kind's own record of them
  let trialHistoryAsked = false;
  function loadTrialHistory(s) {
    if (trialHistoryAsked || !s.kinds.trial) return;
    trialHistoryAsked = true;
    api('trials/workers').then((o) => {
      for (const w of o.workers || []) {
        const live = samples[w.path] || [];
        const first = live.length ? live[0].t : Infinity;
        samples[w.path] = w.samples.filter((p) => p.at < first)
          .map((p) => ({ t: p.at, rss: p.rssMiB, age: p.ageSeconds })).concat(live);
      }
      renderTrials();
    }, () => {});
  }
  function line(list, key, cls, w, hgt) {
    const max = Math.max(1, ...list.map((p) => p[key]));
    const t0 = Date.now() - WINDOW_MS;
    const pts = list.map((p) => ((p.t - t0) / WINDOW_MS * w).toFixed(1) + ',' + (hgt - 2 - p[key] / max * (hgt - 4)).toFixed(1));
    return svg('polyline', { class: cls, points: pts.join(' '), 'stroke-width': 1.5 });
  }
  function renderTrials() {
    const paths = Object.keys(samples).sort();
    $('trials').hidden = paths.length === 0;
    fill($('trial-charts'), paths.map((p) => {
      const list = samples[p];
      const last = list[list.length - 1];
      const g = svg('svg', { width: 240, height: 48, viewBox: '0 0 240 48', role: 'img' });
      g.append(line(list, 'rss', 'rss', 240, 48), line(list, 'age', 'age', 240, 48));
      return h('div', { class: 'chart', 'data-worker': p }, h('div', {}, p.split('/').pop() + ': ',
        h('span', { style: null, class: 'muted' }, 'rss ' + last.rss + ' MiB (max ' + Math.max(...list.map((x) => x.rss)) + '), age ' + last.age + ' s')), g);
    }));
  }

  // ---- llm advice and graveyard import, fetched when their kind's counters change ----

  function refreshLlm() {
    api('llm').then((o) => {
      $('llm').hidden = false;
      fill($('llm-table').tBodies[0], (o.conversations || []).map((c) => h('tr', {},
        h('td', {}, c.conversation), h('td', { class: 'num' }, c.samples), h('td', { class: 'num' }, c.p50Millis),
        h('td', { class: 'num' }, c.p95Millis), h('td', { class: 'num' }, c.p99Millis), h('td', { class: 'num' }, c.configuredSeconds),
        h('td', { class: 'num' }, c.suggestedSeconds), h('td', { class: 'verdict verdict-' + c.verdict }, c.verdict),
        h('td', { class: 'num' }, c.reaped), h('td', { class: 'num' }, c.reapRate))));
    }, () => { $('llm').hidden = true; });
  }
  function refreshGraveyard() {
    api('graveyard').then((g) => {
      $('graveyard').hidden = false;
      const byReason = {};
      const last = g.lastImport;
      for (const f of (last && last.files) || []) {
        for (const [r, n] of Object.entries(f.quarantined || {})) byReason[r] = (byReason[r] || 0) + n;
      }
      fill($('graveyard-body'), [
        h('p', {}, (g.ready ? 'ready' : 'not ready') + (g.degraded ? ', DEGRADED: ' + g.degraded : '') + ', '
          + g.storedPatterns + ' patterns stored' + (g.importRunning ? ', import running' : '')),
        h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'file'), h('th', {}, 'bytes read'), h('th', {}, 'records imported'), h('th', {}, 'ranges quarantined'))),
          h('tbody', {}, (g.files || []).map((f) => h('tr', {}, h('td', {}, f.path), h('td', { class: 'num' }, f.offset),
            h('td', { class: 'num' }, f.recordsImported), h('td', { class: 'num' }, f.rangesQuarantined))))),
        last ? h('p', {}, 'last import ' + last.finishedAt + ': read ' + last.recordsRead + ', imported ' + last.imported
          + ', quarantined ' + last.quarantined + ' (' + last.recordsPerSecond + ' records/s)') : null,
        h('ul', { id: 'quarantine' }, Object.entries(byReason).map(([r, n]) => h('li', {}, r + ': ' + n)))]);
    }, () => { $('graveyard').hidden = true; });
  }

  // ---- jobs: a filtered, paged table ----

  function jobsQuery(cursor) {
    const checked = STATUSES.filter((s) => $('st-' + s).checked);
    const q = new URLSearchParams({ limit: '50', order: $('order').value });
    if (checked.length) q.set('status', checked.join(','));
    if ($('type-filter').value.trim()) q.set('type', $('type-filter').value.trim());
    if (cursor) q.set('cursor', cursor);
    return 'jobs?' + q.toString();
  }
  function refreshJobs() {
    api(jobsQuery(jobsCursor)).then((page) => {
      fill($('jobs').tBodies[0], page.jobs.map((j) => h('tr', { 'data-job': j.id },
        h('td', {}, h('a', { href: '#/job/' + encodeURIComponent(j.id) }, clip(j.id, 80))),
        h('td', {}, j.type), h('td', {}, h('span', { class: 'state state-' + j.status }, j.status)),
        h('td', { class: 'num' }, j.attempt), h('td', {}, time(j.submittedAt)),
        h('td', { class: 'failure' }, j.lastFailure ? clip(j.lastFailure.errorClass + ': ' + j.lastFailure.message, 140) : ''))));
      const next = $('next-page');
      next.disabled = !page.next;
      next.onclick = () => { jobsCursor = page.next; refreshJobs(); };
    }, (e) => say('jobs: ' + e.message));
    const l = snap && snap.kinds.ledger && snap.kinds.ledger.counters;
    if (l) {
      $('ledger-line').textContent = Object.entries(l).filter(([k]) => k.startsWith('jobs.') || k.startsWith('re'))
        .map(([k, v]) => k + '=' + v).join('  ');
    }
  }

  // ---- one job: its history as a timeline ----

  function currentJobId() {
    return decodeURIComponent(location.hash.slice('#/job/'.length));
  }
  function detail(e) {
    const skip = new Set(['event', 'attempt', 'at', 'time', 'stackTrace']);
    return Object.entries(e).filter(([k, v]) => !skip.has(k) && v !== null && v !== '')
      .map(([k, v]) => k + '=' + clip(typeof v === 'string' ? v : JSON.stringify(v), 200)).join(', ');
  }
  function refreshJob() {
    const id = currentJobId();
    const path = 'jobs/' + encodeURIComponent(id);
    $('job-id').textContent = id;
    api(path).then((j) => {
      fill($('job-summary'), [h('p', {}, 'type ', h('code', {}, j.type), ', ', h('span', { class: 'state state-' + j.status, id: 'job-status' }, j.status),
        ', attempt ' + j.attempt + (j.cause ? ', ' + j.cause : '')),
      j.lastFailure ? h('pre', { class: 'failure' }, j.lastFailure.errorClass + ': ' + j.lastFailure.message) : null]);
      $('job-cancel').hidden = j.terminal;
      $('job-retry').hidden = !(j.terminal && j.status !== 'SUCCEEDED');
    }, (e) => fill($('job-summary'), [h('p', { class: 'failure' }, e.message)]));
    api(path + '/history').then((o) => {
      fill($('timeline'), o.events.map((e) => h('li', { class: 'ev ev-' + e.event, 'data-event': e.event + (e.attempt ? '#' + e.attempt : '') },
        h('span', { class: 'time', title: e.time }, time(e.at)), h('strong', {}, e.event), e.attempt ? ' #' + e.attempt : '',
        ' ', h('span', { class: 'muted' }, detail(e)))));
    }, () => fill($('timeline'), []));
  }
  $('job-cancel').addEventListener('click', () => act('jobs/' + encodeURIComponent(currentJobId()) + '/cancel', 'cancel'));
  $('job-retry').addEventListener('click', () => act('jobs/' + encodeURIComponent(currentJobId()) + '/retry', 'retry'));

  // ---- views, token form, start ----

  function route() {
    const hash = location.hash || '#/';
    $('view-overview').hidden = !(hash === '#/' || hash === '#');
    $('view-jobs').hidden = !hash.startsWith('#/jobs');
    $('view-job').hidden = !hash.startsWith('#/job/');
    if (!$('view-jobs').hidden) refreshJobs();
    if (!$('view-job').hidden) refreshJob();
  }
  fill($('status-filters'), STATUSES.map((s) => h('label', {}, h('input', { type: 'checkbox', id: 'st-' + s, value: s }), s.toLowerCase() + ' ')));
  $('job-filter').addEventListener('submit', (ev) => { ev.preventDefault(); jobsCursor = null; refreshJobs(); });
  $('first-page').addEventListener('click', () => { jobsCursor = null; refreshJobs(); });
  $('token-button').addEventListener('click', () => { $('token-form').hidden = !$('token-form').hidden; });
  $('token-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const t = $('token-input').value.trim();
    if (t) sessionStorage.setItem(TOKEN_KEY, t); else sessionStorage.removeItem(TOKEN_KEY);
    $('token-input').value = '';
    $('token-form').hidden = true;
    say('');
    seen = {};
    trialHistoryAsked = false;
    connect();
    route();
  });
  window.addEventListener('hashchange', route);
  route();
  connect();
})();

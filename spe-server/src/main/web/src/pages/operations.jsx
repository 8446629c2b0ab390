import { useEffect, useState } from 'preact/hooks';
import * as api from '../api.js';
import { useI18n } from '../i18n.js';
import { DataTable, ErrorMessage, Field, Loading, Notice, Page, StateBadge, useAction, useLoad } from '../components.jsx';

const SAMPLE_MILLIS = 5000;
const SAMPLES = 60;

/** Operators: compute pools with scaling, workspaces by state, usage and fees when offered, metrics over time. */
export function OperationsPage() {
  const { t } = useI18n();
  const [pools, poolsError, reloadPools] = useLoad(() => api.get('/api/v1/pools'), []);
  const [workspaces, workspacesError] = useLoad(() => api.get('/api/v1/workspaces'), []);
  return (
    <Page title={t('operations.title')} id="operations">
      <section class="panel" aria-labelledby="pools-title">
        <h2 id="pools-title">{t('pools.title')}</h2>
        <ErrorMessage error={poolsError} />
        {!pools ? <Loading /> : (
          <>
            <DataTable id="pool-table" caption={t('pools.caption')} rows={pools} rowKey={(p) => p.name} empty={t('pools.none')} columns={[
              { key: 'name', label: t('pools.name') },
              { key: 'state', label: t('pools.state') },
              { key: 'workers', label: t('pools.workers') },
              { key: 'cores', label: t('pools.cores'), render: (p) => t('pools.usedOf', { used: p.coresUsed, total: p.cores, free: p.coresFree }) },
              { key: 'memory', label: t('pools.memory'), render: (p) => t('pools.usedOf', { used: p.memoryUsedMb, total: p.memoryMb, free: p.memoryFreeMb }) },
              { key: 'gpus', label: t('pools.gpus') },
              { key: 'runningApplications', label: t('pools.applications') },
            ]} />
            {pools.map((pool) => <ScaleForm key={pool.name} pool={pool} onScaled={reloadPools} />)}
          </>
        )}
      </section>
      <section class="panel" aria-labelledby="by-state-title">
        <h2 id="by-state-title">{t('operations.workspacesByState')}</h2>
        <ErrorMessage error={workspacesError} />
        {workspaces && <WorkspacesByState workspaces={workspaces} />}
      </section>
      <Usage />
      <Metrics pools={pools} />
    </Page>
  );
}

function ScaleForm({ pool, onScaled }) {
  const { t } = useI18n();
  const [workers, setWorkers] = useState(String(pool.workers));
  const [notice, setNotice] = useState(null);
  const [run, busy, error] = useAction();
  const submit = (event) => {
    event.preventDefault();
    run(async () => {
      const status = await api.post(`/api/v1/pools/${encodeURIComponent(pool.name)}/scale`, { workers: Number(workers) });
      setNotice(t('pools.scaled', { name: pool.name, workers: status.workers }));
      onScaled();
    });
  };
  return (
    <form class="inline-form" onSubmit={submit} aria-labelledby={`scale-${pool.name}-title`}>
      <h3 id={`scale-${pool.name}-title`}>{t('pools.scale', { name: pool.name })}</h3>
      <Field id={`scale-${pool.name}-workers`} type="number" min="0" max="64" label={t('pools.targetWorkers')} hint={t('pools.scaleHint')}
        value={workers} onInput={(e) => setWorkers(e.currentTarget.value)} />
      <button type="submit" id={`scale-${pool.name}-submit`} disabled={busy}>{busy ? t('pools.scaling') : t('pools.scaleSubmit')}</button>
      <Notice text={notice} />
      <ErrorMessage error={error} />
    </form>
  );
}

function WorkspacesByState({ workspaces }) {
  const { t } = useI18n();
  const counts = {};
  workspaces.forEach((w) => {
    counts[w.state] = (counts[w.state] || 0) + 1;
  });
  return (
    <>
      <ul class="counts" id="workspace-counts">
        {Object.entries(counts).map(([state, n]) => <li key={state}><StateBadge state={state} />: {n}</li>)}
      </ul>
      <DataTable id="operations-workspaces" caption={t('workspaces.caption')} rows={workspaces} rowKey={(w) => w.id} columns={[
        { key: 'id', label: 'ID' },
        { key: 'name', label: t('workspaces.name') },
        { key: 'permitId', label: t('permits.id') },
        { key: 'ownerId', label: t('workspaces.owner') },
        { key: 'state', label: t('workspaces.state'), render: (w) => <StateBadge state={w.state} /> },
        { key: 'stateChangedAt', label: t('operations.since') },
      ]} />
    </>
  );
}

/** Usage and fee estimates per permit, where the platform offers /api/v1/usage. */
function Usage() {
  const { t } = useI18n();
  // Ask for usage only where this platform has the route (the OpenAPI document lists every route).
  const [usage, error] = useLoad(async () => {
    const openapi = await api.get('/api/v1/openapi.json');
    return openapi.paths && openapi.paths['/api/v1/usage'] ? api.get('/api/v1/usage') : null;
  }, []);
  if (usage === null && !error) return null;
  return (
    <section class="panel" aria-labelledby="usage-title">
      <h2 id="usage-title">{t('operations.usage')}</h2>
      <ErrorMessage error={error} />
      {usage && <DataTable id="usage-table" caption={t('operations.usage')} rows={usage} rowKey={(u) => u.permitId} columns={[
        { key: 'permitId', label: t('permits.id') },
        { key: 'cpu', label: t('usage.cpuHours'), render: (u) => t('usage.ofBudget', { used: hours(u.cpuSeconds), budget: u.cpuHoursBudget }) },
        { key: 'gpu', label: t('usage.gpuHours'), render: (u) => t('usage.ofBudget', { used: hours(u.gpuSeconds), budget: u.gpuHoursBudget }) },
        { key: 'storage', label: t('usage.storage'), render: (u) => megabytes(u.storageBytes) },
        { key: 'extract', label: t('usage.extracts'), render: (u) => `${u.extractsBuilt} (${megabytes(u.extractBytes)})` },
        { key: 'workspaces', label: t('workspaces.title'), render: (u) => u.workspaces.length },
        { key: 'fee', label: t('usage.fee'), render: (u) => (
          <details>
            <summary>{yen(u.feeEstimate.totalYen)}</summary>
            <ul class="fee-lines">{u.feeEstimate.lines.map((l, i) => <li key={i}>{`${l.item}: ${l.quantity} ${l.unit} × ${yen(l.unitYen)} = ${yen(l.yen)}`}</li>)}</ul>
          </details>) },
      ]} />}
    </section>
  );
}

export function hours(seconds) {
  return (Number(seconds || 0) / 3600).toFixed(2);
}

function megabytes(bytes) {
  return `${(Number(bytes || 0) / (1024 * 1024)).toFixed(1)} MB`;
}

function yen(value) {
  return `¥${Math.round(Number(value || 0)).toLocaleString('ja-JP')}`;
}

function parseMetrics(text) {
  const sums = {};
  text.split('\n').forEach((line) => {
    if (!line || line.startsWith('#')) return;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match) return;
    const value = Number(match[3]);
    if (Number.isFinite(value)) sums[match[1]] = (sums[match[1]] || 0) + value;
  });
  return sums;
}

const SERIES = [
  { key: 'requests', metric: 'spe_http_requests_seconds_count', label: 'operations.metric.requests', rate: true },
  { key: 'heap', metric: 'jvm_memory_used_bytes', label: 'operations.metric.memory', scale: 1 / (1024 * 1024) },
  { key: 'cpu', metric: 'process_cpu_usage', label: 'operations.metric.cpu', scale: 100 },
  { key: 'threads', metric: 'jvm_threads_live_threads', label: 'operations.metric.threads' },
];

/** The platform's main metrics, sampled from /metrics every few seconds while the page is open. */
function Metrics({ pools }) {
  const { t } = useI18n();
  const [samples, setSamples] = useState([]);
  const [error, setError] = useState(null);
  useEffect(() => {
    let previous = null;
    const sample = async () => {
      try {
        const sums = parseMetrics(await api.get('/metrics'));
        const point = { time: Date.now() };
        SERIES.forEach((s) => {
          const value = sums[s.metric] ?? 0;
          if (s.rate) {
            point[s.key] = previous ? Math.max(0, (value - previous[s.metric]) / ((point.time - previous.time) / 1000)) : 0;
          } else {
            point[s.key] = value * (s.scale || 1);
          }
        });
        previous = { ...sums, time: point.time };
        setSamples((all) => [...all.slice(-(SAMPLES - 1)), point]);
      } catch (e) {
        setError(e);
      }
    };
    sample();
    const timer = window.setInterval(sample, SAMPLE_MILLIS);
    return () => window.clearInterval(timer);
  }, []);
  const coresUsed = pools && pools.length ? pools.reduce((n, p) => n + p.coresUsed, 0) : null;
  return (
    <section class="panel" aria-labelledby="metrics-title">
      <h2 id="metrics-title">{t('operations.metrics')}</h2>
      <p class="hint">{t('operations.metricsHint', { seconds: SAMPLE_MILLIS / 1000 })}</p>
      <ErrorMessage error={error} />
      <div class="charts" id="metric-charts">
        {SERIES.map((s) => <Chart key={s.key} id={`chart-${s.key}`} label={t(s.label)} values={samples.map((p) => p[s.key])} />)}
      </div>
      {coresUsed !== null && <p>{t('operations.coresUsedNow', { n: coresUsed })}</p>}
    </section>
  );
}

/** A line chart as SVG, with its latest value and range as text for screen readers. */
function Chart({ id, label, values }) {
  const { t } = useI18n();
  const width = 280;
  const height = 80;
  const max = Math.max(1e-9, ...values);
  const min = Math.min(0, ...values);
  const points = values.map((v, i) => {
    const x = values.length > 1 ? (i / (values.length - 1)) * width : 0;
    const y = height - ((v - min) / (max - min || 1)) * (height - 4) - 2;
    return `${x.toFixed(1)},${y.toFixed(1)}`;
  }).join(' ');
  const latest = values.length ? values[values.length - 1] : 0;
  const description = t('operations.chartText', { latest: latest.toFixed(1), min: Math.min(...values, latest).toFixed(1), max: max.toFixed(1) });
  return (
    <figure class="chart" id={id}>
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${label}: ${description}`}>
        <rect x="0" y="0" width={width} height={height} class="chart-frame" />
        {values.length > 1 && <polyline points={points} class="chart-line" />}
      </svg>
      <figcaption>{label}: {description}</figcaption>
    </figure>
  );
}

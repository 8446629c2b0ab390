import { useState } from 'preact/hooks';
import * as api from '../api.js';
import { useI18n } from '../i18n.js';
import { DataTable, ErrorMessage, Field, Link, Loading, Page, StateBadge, useAction, useLoad } from '../components.jsx';
import { NewPermitForm } from './steward.jsx';
import { hours } from './operations.jsx';

/** Researchers: my permits and my workspaces (request, start, suspend). Stewards also change a permit's state. */
export function PermitsPage({ session }) {
  const { t } = useI18n();
  const researcher = session.roles.includes('RESEARCHER');
  const steward = session.roles.includes('DATA_STEWARD');
  const [permits, permitsError, reloadPermits] = useLoad(() => api.get('/api/v1/permits'), []);
  const [workspaces, workspacesError, reloadWorkspaces] = useLoad(
    () => (researcher || session.roles.includes('OPERATOR') ? api.get('/api/v1/workspaces') : Promise.resolve([])), []);
  // CPU hours used per permit, where the platform meters usage (the quota column shows them).
  const [usage] = useLoad(() => api.get('/api/v1/openapi.json')
    .then((openapi) => (openapi.paths && openapi.paths['/api/v1/usage'] ? api.get('/api/v1/usage') : []))
    .catch(() => []), []);
  const used = (permitId) => (usage || []).find((u) => u.permitId === permitId);
  const [run, busy, actionError] = useAction();

  const act = (path, body) => run(async () => {
    await api.post(path, body);
    reloadWorkspaces();
    reloadPermits();
  });

  return (
    <Page title={researcher ? t('permits.titleMine') : t('permits.title')} id="permits">
      <ErrorMessage error={permitsError || workspacesError || actionError} />
      {!permits ? <Loading /> : (
        <DataTable id="permit-table" caption={t('permits.caption')} rows={permits} rowKey={(p) => p.id} columns={[
          { key: 'id', label: t('permits.id') },
          { key: 'title', label: t('permits.name') },
          { key: 'purpose', label: t('permits.purpose') },
          { key: 'level', label: t('permits.level'), render: (p) => t(`level.${p.level}`) },
          { key: 'validity', label: t('permits.validity'), render: (p) => `${p.validFrom} – ${p.validUntil}` },
          { key: 'datasets', label: t('permits.datasets'), render: (p) => p.datasets.map((d) => d.datasetId).join(', ') },
          { key: 'quota', label: t('permits.quota'), render: (p) => t('permits.quotaValue', { cores: p.quota.cores, memory: p.quota.memoryGb,
            gpus: p.quota.gpus, cpuHours: p.quota.cpuHours }) },
          { key: 'used', label: t('permits.used'), render: (p) => (used(p.id) ? t('usage.ofBudget', { used: hours(used(p.id).cpuSeconds),
            budget: used(p.id).cpuHoursBudget }) : '—') },
          { key: 'state', label: t('permits.state'), render: (p) => <StateBadge state={p.state} /> },
          ...(steward ? [{ key: 'actions', label: t('common.actions'), render: (p) => <PermitStateActions permit={p} onChange={reloadPermits} /> }] : []),
        ]} />
      )}
      {steward && <NewPermitForm onCreated={reloadPermits} />}
      {researcher && permits && <NewWorkspace permits={permits.filter((p) => p.state === 'ACTIVE')} onCreated={reloadWorkspaces} />}
      {(researcher || session.roles.includes('OPERATOR')) && (
        <>
          <h2>{t('workspaces.title')}</h2>
          <button type="button" id="workspaces-refresh" onClick={reloadWorkspaces}>{t('common.refresh')}</button>
          {!workspaces ? <Loading /> : (
            <DataTable id="workspace-table" caption={t('workspaces.caption')} rows={workspaces} rowKey={(w) => w.id} columns={[
              { key: 'name', label: t('workspaces.name'), render: (w) => (w.state === 'READY' && researcher
                ? <Link href={`/console/workspaces/${encodeURIComponent(w.id)}`}>{w.name}</Link> : w.name) },
              { key: 'permitId', label: t('permits.id') },
              { key: 'ownerId', label: t('workspaces.owner') },
              { key: 'state', label: t('workspaces.state'), render: (w) => <StateBadge state={w.state} /> },
              { key: 'actions', label: t('common.actions'), render: (w) => (
                <span class="actions">
                  {w.state === 'SUSPENDED' && <button type="button" disabled={busy}
                    onClick={() => act(`/api/v1/workspaces/${w.id}/start`)}>{t('workspaces.start')}</button>}
                  {w.state === 'READY' && <button type="button" disabled={busy}
                    onClick={() => act(`/api/v1/workspaces/${w.id}/suspend`)}>{t('workspaces.suspend')}</button>}
                </span>) },
            ]} />
          )}
        </>
      )}
    </Page>
  );
}

function NewWorkspace({ permits, onCreated }) {
  const { t } = useI18n();
  const [permitId, setPermitId] = useState('');
  const [name, setName] = useState('');
  const [run, busy, error] = useAction();
  if (permits.length === 0) return null;
  const chosen = permitId || permits[0].id;
  const submit = (event) => {
    event.preventDefault();
    run(async () => {
      await api.post('/api/v1/workspaces', { permitId: chosen, name });
      setName('');
      onCreated();
    });
  };
  return (
    <form class="inline-form" onSubmit={submit} aria-labelledby="new-workspace-title">
      <h2 id="new-workspace-title">{t('workspaces.new')}</h2>
      <Field id="new-workspace-permit" label={t('permits.id')} as="select" value={chosen} onChange={(e) => setPermitId(e.currentTarget.value)}>
        {permits.map((p) => <option key={p.id} value={p.id}>{`${p.id} — ${p.title}`}</option>)}
      </Field>
      <Field id="new-workspace-name" label={t('workspaces.name')} value={name} required onInput={(e) => setName(e.currentTarget.value)} />
      <button type="submit" id="new-workspace-submit" disabled={busy}>{t('workspaces.request')}</button>
      <ErrorMessage error={error} />
    </form>
  );
}

function PermitStateActions({ permit, onChange }) {
  const { t } = useI18n();
  const [run, busy, error] = useAction();
  const change = (state) => run(async () => {
    await api.post(`/api/v1/permits/${permit.id}/state`, { state, reason: t('permits.reasonFromConsole') });
    onChange();
  });
  const targets = permit.state === 'ACTIVE' ? ['SUSPENDED', 'REVOKED'] : permit.state === 'SUSPENDED' ? ['ACTIVE', 'REVOKED'] : [];
  return (
    <span class="actions">
      {targets.map((state) => (
        <button type="button" key={state} disabled={busy} id={`permit-${permit.id}-${state.toLowerCase()}`}
          onClick={() => change(state)}>{t(`permits.to.${state}`)}</button>
      ))}
      <ErrorMessage error={error} />
    </span>
  );
}

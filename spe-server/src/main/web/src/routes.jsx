// Which pages each role has. The platform's policy decides what each API call may do; the
// console only chooses what to offer, and shows the platform's refusal if it says no.
import { PermitsPage } from './pages/permits.jsx';
import { WorkspacePage } from './pages/workspace.jsx';
import { MyReleasesPage, ReleasePage, ReviewQueuePage } from './pages/releases.jsx';
import { AuditPage } from './pages/audit.jsx';
import { OperationsPage } from './pages/operations.jsx';
import { CatalogPage, OptOutsPage } from './pages/steward.jsx';
import { DesktopPage, RecordingsPage } from './pages/desktop.jsx';

const ROUTES = [
  { roles: ['RESEARCHER', 'DATA_STEWARD'], nav: 'nav.permits', path: '/permits', pattern: /^\/permits\/?$/,
    render: (_, session) => <PermitsPage session={session} /> },
  { roles: ['RESEARCHER'], pattern: /^\/workspaces\/([^/]+)\/?$/, render: ([id]) => <WorkspacePage id={id} /> },
  { roles: ['RESEARCHER'], pattern: /^\/workspaces\/([^/]+)\/desktop\/?$/, render: ([id]) => <DesktopPage id={id} /> },
  { roles: ['RESEARCHER'], nav: 'nav.releases', path: '/releases', pattern: /^\/releases\/?$/, render: () => <MyReleasesPage /> },
  { roles: ['RESEARCHER'], pattern: /^\/releases\/([^/]+)\/?$/, render: ([id]) => <ReleasePage id={id} checker={false} /> },
  { roles: ['OUTPUT_CHECKER'], nav: 'nav.reviews', path: '/reviews', pattern: /^\/reviews\/?$/, render: () => <ReviewQueuePage /> },
  { roles: ['OUTPUT_CHECKER'], pattern: /^\/reviews\/([^/]+)\/?$/, render: ([id]) => <ReleasePage id={id} checker /> },
  { roles: ['AUDITOR'], nav: 'nav.audit', path: '/audit', pattern: /^\/audit\/?$/, render: () => <AuditPage /> },
  { roles: ['AUDITOR'], nav: 'nav.recordings', path: '/recordings', pattern: /^\/recordings\/?$/, render: () => <RecordingsPage /> },
  { roles: ['OPERATOR'], nav: 'nav.operations', path: '/operations', pattern: /^\/operations\/?$/, render: () => <OperationsPage /> },
  { roles: ['DATA_STEWARD'], nav: 'nav.catalog', path: '/catalog', pattern: /^\/catalog\/?$/, render: () => <CatalogPage /> },
  { roles: ['DATA_STEWARD'], nav: 'nav.optouts', path: '/optouts', pattern: /^\/optouts\/?$/, render: () => <OptOutsPage /> },
];

const HOME = [
  ['RESEARCHER', '/permits'],
  ['OUTPUT_CHECKER', '/reviews'],
  ['AUDITOR', '/audit'],
  ['OPERATOR', '/operations'],
  ['DATA_STEWARD', '/catalog'],
];

export function routesFor(roles) {
  return ROUTES.filter((route) => route.roles.some((role) => roles.includes(role)));
}

export function navigationFor(roles) {
  return routesFor(roles).filter((route) => route.nav).map((route) => ({ path: route.path, label: route.nav }));
}

export function homeFor(roles) {
  const home = HOME.find(([role]) => roles.includes(role));
  return home ? home[1] : '/permits';
}

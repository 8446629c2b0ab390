// Which pages each role has. The platform's policy decides what each API call may do; the
// console only chooses what to offer, and shows the platform's refusal if it says no.
import { PermitsPage } from './pages/permits.jsx';

const ROUTES = [
  { roles: ['RESEARCHER', 'DATA_STEWARD', 'OPERATOR', 'AUDITOR'], nav: 'nav.permits', path: '/permits', pattern: /^\/permits\/?$/,
    render: (_, session) => <PermitsPage session={session} /> },
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

// Who is signed in (from /v1/whoami) and the units' names, shared by every page.
import { reactive } from 'vue';
import { api } from './api.js';

export const store = reactive({ me: null, units: {}, unitList: [] });

export async function loadMe() {
  const [{ caller }, { units = [] }] = await Promise.all([api.GET('/v1/whoami'), api.GET('/v1/units')]);
  store.me = caller;
  store.unitList = units;
  store.units = Object.fromEntries(units.map((u) => [u.unitId, u.name]));
  return caller;
}
export const unitName = (id) => store.units[id] || id || '—';

// Each role's start page.
export const START = {
  unit_staff: '/my/projects',
  dept_reviewer: '/review',
  stats_officer: '/verify',
  admin: '/dispatch',
  judge: '/judge',
  leader: '/overview',
  sysadmin: '/overview',
};
export const startOf = (role) => START[role] || '/overview';

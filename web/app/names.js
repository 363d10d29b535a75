// Display names of every enumeration, generated from the contracts (saima-contracts → names.json): people read
// 已入库, not RUKU_STATE_APPROVED.
import NAMES from '@contracts/names.json';

export const nameOf = (type, value) => (NAMES[`saima.${type}`] || {})[value] || '—';
export const valuesOf = (type) =>
  Object.entries(NAMES[`saima.${type}`] || {}).filter(([k]) => !k.endsWith('_UNSPECIFIED')).map(([value, label]) => ({ value, label }));
export const roleName = (role) => nameOf('auth.v1.Role', `ROLE_${String(role || '').toUpperCase()}`);

// Pages by address (#/…): each role has its own start page; a page outside the role's menu is still guarded by
// the gateway and the services, which refuse what the role may not read or do.
import { createRouter, createWebHashHistory } from 'vue-router';
import { accessToken, refresh } from './session.js';
import { store, loadMe, startOf } from './store.js';

const page = (loader, roles, extra = {}) => ({ component: loader, meta: { roles, ...extra } });
const desk = [
  { path: '/overview', ...page(() => import('./pages/Overview.vue'), null, { title: '全市总览' }) },
  { path: '/units', ...page(() => import('./pages/UnitRanking.vue'), null, { title: '单位排名' }) },
  { path: '/unit/:id', ...page(() => import('./pages/UnitProjects.vue'), null, { title: '单位项目' }) },
  { path: '/project/:id', ...page(() => import('./pages/ProjectView.vue'), null, { title: '项目' }) },
  { path: '/ruku', ...page(() => import('./pages/RukuOverview.vue'), null, { title: '入库' }) },
  { path: '/contest', ...page(() => import('./pages/Contest.vue'), null, { title: '赛马' }) },
  { path: '/flags', ...page(() => import('./pages/Flags.vue'), null, { title: '核实性审核' }) },
  { path: '/downloads', ...page(() => import('./pages/Downloads.vue'), null, { title: '下载' }) },
  { path: '/my/projects', ...page(() => import('./pages/MyProjects.vue'), ['unit_staff'], { title: '本单位项目' }) },
  { path: '/my/project/:id', ...page(() => import('./pages/ProjectEdit.vue'), ['unit_staff'], { title: '项目填报' }) },
  { path: '/my/figures', ...page(() => import('./pages/MonthlyFigures.vue'), ['unit_staff'], { title: '月度填报' }) },
  { path: '/my/orders', ...page(() => import('./pages/MyOrders.vue'), ['unit_staff'], { title: '问题与督办' }) },
  { path: '/review', ...page(() => import('./pages/RukuReview.vue'), ['dept_reviewer', 'stats_officer', 'sysadmin'], { title: '入库审核' }) },
  { path: '/verify', ...page(() => import('./pages/Verify.vue'), ['stats_officer', 'sysadmin'], { title: '数据核实与锁定' }) },
  { path: '/dispatch', ...page(() => import('./pages/Dispatch.vue'), ['admin', 'sysadmin'], { title: '月调度' }) },
  { path: '/campaigns', ...page(() => import('./pages/Campaigns.vue'), ['admin', 'sysadmin'], { title: '赛马组织' }) },
  { path: '/password', ...page(() => import('./pages/Password.vue'), null, { title: '修改密码' }) },
];

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/login', component: () => import('./pages/SignIn.vue'), meta: { public: true } },
    { path: '/judge', component: () => import('./judge/JudgeHome.vue'), meta: { roles: ['judge'] } },
    { path: '/judge/:campaignId/:unitId', component: () => import('./judge/ScoreSheet.vue'), meta: { roles: ['judge'] } },
    { path: '/', component: () => import('./Layout.vue'), children: desk },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
});

router.beforeEach(async (to) => {
  if (to.meta.public) return true;
  if (!accessToken() && !(await refresh().catch(() => false))) {
    return { path: '/login', query: to.fullPath !== '/' ? { next: to.fullPath } : {} };
  }
  if (!store.me) await loadMe();
  if (to.path === '/') return startOf(store.me.role);
  const roles = to.meta.roles;
  if (roles && !roles.includes(store.me.role)) return startOf(store.me.role);
  return true;
});

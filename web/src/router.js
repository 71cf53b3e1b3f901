import { createRouter, createWebHistory } from 'vue-router'
import { getToken, setUnauthorizedHandler } from './api.js'
import { loadSession, clearSession } from './store.js'

import MainLayout from './components/MainLayout.vue'
import LoginPage from './pages/LoginPage.vue'
import OverviewPage from './pages/OverviewPage.vue'
import SchoolsPage from './pages/SchoolsPage.vue'
import SchoolPage from './pages/SchoolPage.vue'
import IndicatorsPage from './pages/IndicatorsPage.vue'
import SupervisionPage from './pages/SupervisionPage.vue'
import DataPage from './pages/DataPage.vue'
import FindingsPage from './pages/FindingsPage.vue'
import PlansPage from './pages/PlansPage.vue'
import ProjectionsPage from './pages/ProjectionsPage.vue'
import LayoutPage from './pages/LayoutPage.vue'

const routes = [
  { path: '/login', name: 'login', component: LoginPage, meta: { public: true } },
  {
    path: '/',
    component: MainLayout,
    children: [
      { path: '', name: 'overview', component: OverviewPage },
      { path: 'schools', name: 'schools', component: SchoolsPage },
      { path: 'schools/:id', name: 'school', component: SchoolPage, props: true },
      { path: 'indicators', name: 'indicators', component: IndicatorsPage },
      { path: 'plans', name: 'plans', component: PlansPage },
      { path: 'projections', name: 'projections', component: ProjectionsPage },
      { path: 'layout', name: 'layout', component: LayoutPage },
      { path: 'supervision', name: 'supervision', component: SupervisionPage },
      { path: 'findings', name: 'findings', component: FindingsPage },
      { path: 'data', name: 'data', component: DataPage },
    ],
  },
  { path: '/:pathMatch(.*)*', redirect: '/' },
]

const router = createRouter({
  history: createWebHistory('/'),
  routes,
  // A new page starts at the top; a page keeping its filters in the query (router.replace) stays put.
  scrollBehavior: (to, from) => (from && from.matched.length && to.path === from.path ? false : { top: 0 }),
})

router.beforeEach(async (to) => {
  if (to.meta.public) return true
  if (!getToken()) {
    return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  }
  try {
    await loadSession()
  } catch (err) {
    if (err && err.status === 401) {
      return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
    }
    // other errors were shown already; let the page render with what it has
  }
  return true
})

setUnauthorizedHandler(() => {
  clearSession()
  const cur = router.currentRoute.value
  // During the very first navigation the guard itself redirects (with ?redirect=).
  if (cur.matched.length && cur.name !== 'login') {
    router.push({ name: 'login', query: cur.fullPath && cur.fullPath !== '/' ? { redirect: cur.fullPath } : {} })
  }
})

export default router

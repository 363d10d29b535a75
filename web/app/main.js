// The web application: Vue 3; Element Plus for the desk pages, Vant for the judges' phone pages; ECharts for charts.
import { createApp } from 'vue';
// Only the components the pages use are registered (and so bundled): a component added to a template is added here.
import {
  ElButton, ElCheckbox, ElConfigProvider, ElEmpty, ElForm, ElFormItem, ElInput, ElLink, ElTabPane, ElTabs, ElTag,
} from 'element-plus';
import 'element-plus/dist/index.css';
import { Button, Cell, CellGroup, Empty, NavBar, NoticeBar, Stepper, Tag } from 'vant';
import 'vant/lib/index.css';
import App from './App.vue';
import { router } from './router.js';
import './style.css';

const app = createApp(App);
for (const c of [ElButton, ElCheckbox, ElConfigProvider, ElEmpty, ElForm, ElFormItem, ElInput, ElLink, ElTabPane, ElTabs, ElTag]) {
  app.component(c.name, c);
}
for (const c of [Button, Cell, CellGroup, Empty, NavBar, NoticeBar, Stepper, Tag]) app.use(c);
app.use(router);
app.mount('#app');

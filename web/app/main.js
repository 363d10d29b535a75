// The web application: Vue 3; Element Plus for the desk pages, Vant for the judges' phone pages; ECharts for charts.
import { createApp } from 'vue';
import {
  ElAlert, ElButton, ElCard, ElCheckbox, ElCol, ElConfigProvider, ElContainer, ElDatePicker, ElDescriptions,
  ElDescriptionsItem, ElDialog, ElDivider, ElEmpty, ElForm, ElFormItem, ElHeader, ElAside, ElMain, ElInput,
  ElInputNumber, ElLink, ElMenu, ElMenuItem, ElOption, ElRow, ElSelect, ElStatistic, ElTable, ElTableColumn, ElTag,
  ElTabs, ElTabPane, ElUpload, ElSteps, ElStep, ElLoading,
} from 'element-plus';
import 'element-plus/dist/index.css';
import { Button, Cell, CellGroup, Empty, Field, NavBar, NoticeBar, Stepper, Tag, Form as VanForm } from 'vant';
import 'vant/lib/index.css';
import App from './App.vue';
import { router } from './router.js';
import './style.css';

const app = createApp(App);
for (const c of [ElAlert, ElButton, ElCard, ElCheckbox, ElCol, ElConfigProvider, ElContainer, ElDatePicker,
  ElDescriptions, ElDescriptionsItem, ElDialog, ElDivider, ElEmpty, ElForm, ElFormItem, ElHeader, ElAside, ElMain,
  ElInput, ElInputNumber, ElLink, ElMenu, ElMenuItem, ElOption, ElRow, ElSelect, ElStatistic, ElTable, ElTableColumn,
  ElTag, ElTabs, ElTabPane, ElUpload, ElSteps, ElStep]) {
  app.component(c.name, c);
}
app.use(ElLoading);
for (const c of [Button, Cell, CellGroup, Empty, Field, NavBar, NoticeBar, Stepper, Tag, VanForm]) app.use(c);
app.use(router);
app.mount('#app');

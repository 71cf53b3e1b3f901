import { createApp } from 'vue'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import './style.css'
import App from './App.vue'
import router from './router.js'
import { lang } from './i18n.js'

document.documentElement.lang = lang.value === 'zh' ? 'zh-CN' : 'en'

createApp(App).use(router).use(ElementPlus).mount('#app')

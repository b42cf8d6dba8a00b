import './assets/main.css'

import { createApp } from 'vue'

import App from './App.vue'
import { createAppRouter } from './router'
import { setupApp } from './setup'

const app = createApp(App)
setupApp(app, createAppRouter())
app.mount('#app')

// Builds the web application (app/) with Vue's single-file components into the folder the gateway serves.
// build.mjs calls it with the output folder and the contracts folder (names.json) as SAIMA_WEB_OUT and
// SAIMA_CONTRACTS.
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';

// Vant's icon font names a copy on a CDN after the embedded one: that source is removed, so that nothing is ever
// fetched from outside the system (the browser test checks every request).
const noRemoteFonts = {
  name: 'saima-no-remote-fonts',
  transform(code, id) {
    if (!id.endsWith('.css')) return null;
    return code.replace(/,\s*url\((?:https?:)?\/\/[^)]*\)\s*format\([^)]*\)/g, '');
  },
};

export default defineConfig({
  root: fileURLToPath(new URL('./app', import.meta.url)),
  base: '/',
  plugins: [vue(), noRemoteFonts],
  resolve: { alias: { '@contracts': process.env.SAIMA_CONTRACTS } },
  build: {
    outDir: process.env.SAIMA_WEB_OUT,
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    reportCompressedSize: false,
  },
});

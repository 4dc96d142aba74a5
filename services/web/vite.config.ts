import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

// In development the API lives elsewhere (the gateway, or dev/fixture-server.mjs): proxy it so the
// app still talks to its own origin, exactly as when the gateway serves the build.
const api = process.env.NAGARE_API_URL ?? 'http://127.0.0.1:4180';

export default defineConfig({
  plugins: [sveltekit()],
  server: {
    proxy: {
      '/api': { target: api, changeOrigin: false },
      '/socket.io': { target: api, ws: true, changeOrigin: false },
    },
  },
  build: { chunkSizeWarningLimit: 600 },
});

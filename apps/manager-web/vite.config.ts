import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The manager serves dist/ at `/`; `npm run dev -w @director/manager-web` proxies /api to a running `director up`.
export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, reportCompressedSize: false },
  server: { proxy: { "/api": "http://127.0.0.1:8080" } },
});

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createApi } from "./api/client";
import { FetchHttp } from "./api/http";
import { createLiveChannel } from "./api/live";
import { App, apiErrorEvent } from "./app";
import { ApiContext, LiveContext } from "./hooks";
import "./styles.css";

// The one place the app is wired: the HTTP client reports failures as a window event the shell listens to.
const http = new FetchHttp((error) => window.dispatchEvent(new CustomEvent(apiErrorEvent, { detail: error })));
const api = createApi(http);
// An ended session closes the live channel; asking who is logged in sends the app to the login page if nobody is.
const live = createLiveChannel(() => void api.auth.me().catch(() => {}));
// The pages' reads (api/queries.ts). A failed read is shown at once, as the API's answer says why (a retry would only
// delay that); the page reads again when the data changes (live channel, a change made here) or the tab comes back.
const queries = new QueryClient({ defaultOptions: { queries: { retry: false } } });
const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queries}>
      <ApiContext.Provider value={api}>
        <LiveContext.Provider value={live}>
          <App />
        </LiveContext.Provider>
      </ApiContext.Provider>
    </QueryClientProvider>
  </StrictMode>,
);

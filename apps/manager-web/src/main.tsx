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
const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");
createRoot(root).render(
  <StrictMode>
    <ApiContext.Provider value={api}>
      <LiveContext.Provider value={live}>
        <App />
      </LiveContext.Provider>
    </ApiContext.Provider>
  </StrictMode>,
);

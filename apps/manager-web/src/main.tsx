import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createApi } from "./api/client";
import { FetchHttp } from "./api/http";
import { App, apiErrorEvent } from "./app";
import { ApiContext } from "./hooks";
import "./styles.css";

// The one place the app is wired: the HTTP client reports failures as a window event the shell listens to.
const http = new FetchHttp((error) => window.dispatchEvent(new CustomEvent(apiErrorEvent, { detail: error })));
const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");
createRoot(root).render(
  <StrictMode>
    <ApiContext.Provider value={createApi(http)}>
      <App />
    </ApiContext.Provider>
  </StrictMode>,
);

// Client-rendered SPA: the gateway serves the static shell and every page loads its data over the API.
export const ssr = false;
export const prerender = false;
export const trailingSlash = 'never';

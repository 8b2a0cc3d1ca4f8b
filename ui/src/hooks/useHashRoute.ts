import { useEffect, useState } from "react";
import { parseRoute, type Route, routeHash } from "../app/routes";

/** The current hash route, updated on navigation. */
export function useHashRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = (): void => setRoute(parseRoute(window.location.hash));
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

/** Go to a route. */
export function navigate(route: Route): void {
  window.location.hash = routeHash(route);
}

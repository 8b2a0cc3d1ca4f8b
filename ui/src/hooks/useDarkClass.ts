import { useEffect, useState } from "react";

/** True while <html> has the `dark` class (the theme toggle's choice). */
export function useDarkClass(): boolean {
  const root = document.documentElement;
  const [dark, setDark] = useState(() => root.classList.contains("dark"));
  useEffect(() => {
    const observer = new MutationObserver(() => setDark(root.classList.contains("dark")));
    observer.observe(root, { attributes: true, attributeFilter: ["class"] });
    return () => observer.disconnect();
  }, [root]);
  return dark;
}

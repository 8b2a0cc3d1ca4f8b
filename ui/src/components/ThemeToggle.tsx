import { useEffect, useState } from "react";
import { Button } from "./ui";

type Theme = "light" | "dark";
const KEY = "deca.theme";

/** The saved theme, else the system preference. */
export function initialTheme(): Theme {
  const saved = localStorage.getItem(KEY);
  if (saved === "light" || saved === "dark") return saved;
  return window.matchMedia?.("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

/** Apply the saved theme before the first render (no flash of the wrong theme). */
export function applyInitialTheme(): void {
  document.documentElement.classList.toggle("dark", initialTheme() === "dark");
}

/** Switches the light/dark theme (the `dark` class on <html>), remembered in local storage. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(initialTheme);
  useEffect(() => {
    document.documentElement.classList.toggle("dark", theme === "dark");
    localStorage.setItem(KEY, theme);
  }, [theme]);
  const next = theme === "dark" ? "light" : "dark";
  return (
    <Button variant="ghost" data-testid="theme-toggle" aria-label={`Switch to ${next} theme`} onClick={() => setTheme(next)}>
      {theme === "dark" ? "☾" : "☀"}
    </Button>
  );
}

import { DynamicIcon, type IconName } from "lucide-react/dynamic";

/** The catalogue's lucide icon for a node type (a dot when the name is unknown). */
export function NodeIcon({ name, className = "h-4 w-4" }: { name: string; className?: string }) {
  return (
    <DynamicIcon
      name={name as IconName}
      className={className}
      aria-hidden="true"
      fallback={() => <span aria-hidden="true" className={`${className} inline-block rounded-full bg-current opacity-40`} />}
    />
  );
}

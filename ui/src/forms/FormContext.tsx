import { createContext, useContext } from "react";
import type { CredentialInfo } from "../api/types";
import type { TemplateSuggestion } from "./templates";

export interface FormEnvironment {
  /** Template paths the edited node may reference. */
  suggestions: TemplateSuggestion[];
  /** Stored credentials for credential pickers (never their secrets). */
  credentials: CredentialInfo[];
}

export const FormContext = createContext<FormEnvironment>({ suggestions: [], credentials: [] });

/** Suggestions and credentials of the form being edited. */
export function useFormEnvironment(): FormEnvironment {
  return useContext(FormContext);
}

import { useEffect, useState } from "react";
import { useApi } from "../api/ApiProvider";
import { ApiError } from "../api/client";
import type { FlowDocument } from "../api/types";
import { NO_ERRORS, type PlacedErrors, placeErrors } from "./validation";

/** Validates the document with the API as it changes (debounced) and places errors on nodes and connections. */
export function useValidation(doc: FlowDocument, delayMs = 600): { errors: PlacedErrors; checking: boolean } {
  const api = useApi();
  const [errors, setErrors] = useState<PlacedErrors>(NO_ERRORS);
  const [checking, setChecking] = useState(false);
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      setChecking(true);
      const ids = doc.nodes.map((n) => n.id);
      api
        .checkFlow({ ...doc, id: doc.id || "draft", name: doc.name || "draft" })
        .then(
          (result) => live && setErrors(result.valid ? NO_ERRORS : placeErrors(result.problems ?? [], ids)),
          (e: unknown) => {
            if (!live) return;
            if (e instanceof ApiError && e.status === 422) setErrors(placeErrors(e.details, ids));
            else setErrors({ ...NO_ERRORS, flow: [`Could not validate: ${e instanceof Error ? e.message : String(e)}`] });
          },
        )
        .finally(() => live && setChecking(false));
    }, delayMs);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, doc, delayMs]);
  return { errors, checking };
}

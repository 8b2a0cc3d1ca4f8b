"""One router per resource; `create_app` registers each (later resources add their module here)."""

"""The Wait state (Seconds, SecondsPath, Timestamp, TimestampPath, JSONata Seconds/Timestamp)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from statemachines.runtime._timestamps import parse_timestamp
from statemachines.runtime.errors import PathNotFound, QueryEvaluationError, RuntimeFailure
from statemachines.runtime.states.base import ENTER, Frame, State, compile_optional_path

if TYPE_CHECKING:
    from statemachines.runtime.interpreter import Interpreter

__all__ = ["WaitState"]

# AWS rejects delays that do not fit a signed 32-bit number of seconds
_MAX_DELAY = 2**31 - 1


class WaitState(State):
    """Blocks its frame until a delay or a timestamp (through the injectable clock)."""

    kind = "Wait"

    def __init__(self, name: str, spec: dict[str, Any], query_language: str) -> None:
        super().__init__(name, spec, query_language)
        self.seconds: Any = spec.get("Seconds")
        self.timestamp: Any = spec.get("Timestamp")
        self.seconds_path: Any = (
            compile_optional_path(spec, "SecondsPath", name) if "SecondsPath" in spec else None
        )
        self.timestamp_path: Any = (
            compile_optional_path(spec, "TimestampPath", name) if "TimestampPath" in spec else None
        )
        self.seconds_t = (
            self._jsonata(self.seconds, "Seconds") if self.jsonata and isinstance(self.seconds, str) else None
        )
        self.timestamp_t = (
            self._jsonata(self.timestamp, "Timestamp") if self.jsonata and "Timestamp" in spec else None
        )

    def run(self, ex: Interpreter, frame: Frame) -> str | None:
        """Start waiting, or finish once woken."""
        raw = frame["input"]
        if frame["phase"] == ENTER:
            ex.enter(frame, self)
            until = self._until(ex, frame, raw)
            if until > ex.clock.now():
                frame["phase"] = "wait"
                ex.sleep(frame, until)
                return None
        if self.jsonata:
            out = self.complete(ex, frame, raw, raw)
        else:
            data = self.effective_input(ex, raw)
            pending = self.assign_p(data, ex) if self.assign_p is not None else None
            out = self.apply_output_path(ex, data)
            if pending:
                ex.assign(frame, pending)
        return self.leave(ex, frame, out)

    def _until(self, ex: Interpreter, frame: Frame, raw: Any) -> float:
        now = ex.clock.now()
        if self.jsonata:
            bindings = (
                ex.bindings(frame, raw, context=self.needs_context)
                if (self.seconds_t or self.timestamp_t)
                else {}
            )
            if self.seconds_t is not None:
                seconds = self.seconds_t(bindings)
                if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 0:
                    raise QueryEvaluationError(
                        f"The Seconds field must be a non-negative integer, but was: {seconds!r}"
                    )
                return self._delay(now, seconds)
            if self.timestamp_t is not None:
                text = self.timestamp_t(bindings)
                parsed = parse_timestamp(text) if isinstance(text, str) else None
                if parsed is None:
                    raise QueryEvaluationError(
                        "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time "
                        f"format string: {text}"
                    )
                return self._at(now, parsed)
            return self._delay(now, self.seconds or 0)
        data = self.effective_input(ex, raw)
        if self.seconds_path is not None:
            path = self.seconds_path
            value = self._value(ex, path, data)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
                raise RuntimeFailure(
                    f"The SecondsPath parameter cannot be parsed as a long value: {path.text} == {value}"
                )
            if value < 0:
                raise RuntimeFailure(
                    f"The SecondsPath parameter references a negative value: {path.text} == {value}"
                )
            return self._delay(now, int(value))
        if self.timestamp_path is not None:
            path = self.timestamp_path
            value = self._value(ex, path, data)
            parsed = parse_timestamp(value) if isinstance(value, str) else None
            if parsed is None:
                raise RuntimeFailure(
                    "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time "
                    f"format string: {path.text} == {value}"
                )
            return self._at(now, parsed)
        if self.timestamp is not None:
            parsed = parse_timestamp(self.timestamp)
            if parsed is None:
                raise RuntimeFailure(f"The Timestamp field is not a valid timestamp: {self.timestamp}")
            return self._at(now, parsed)
        return self._delay(now, self.seconds or 0)

    def _value(self, ex: Interpreter, path: Any, data: Any) -> Any:
        try:
            return ex.resolve(path, data)
        except PathNotFound:
            raise RuntimeFailure(
                f"The JSONPath '{path.text}' specified for the field '{'SecondsPath' if path is self.seconds_path else 'TimestampPath'}' "
                f"could not be found in the input"
            ) from None

    def _delay(self, now: float, seconds: float) -> float:
        if seconds > _MAX_DELAY:
            raise RuntimeFailure("Wait state delay is too long.")
        return now + seconds

    def _at(self, now: float, parsed: tuple[int, int]) -> float:
        when = parsed[0] + parsed[1] / 1e9
        if when - now > _MAX_DELAY:
            raise RuntimeFailure("Wait state delay is too long.")
        return when
